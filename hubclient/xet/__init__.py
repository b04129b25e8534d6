"""Xet transfers through hf_xet (the optional ``xet`` extra), behind narrow seams.

The upload engine calls `upload_through_xet` for the LFS files of a call when `usable` says so
(hf_xet importable, ``HubSettings.xet`` on, requests leaving through hubclient's own network
stack, which hf_xet's own HTTP client can reach); a Hub that offers no Xet (its token route
answers 404) raises `XetUnavailable` before anything is sent, and the engine goes on over
classic LFS. Downloads of files the Hub advertises as Xet use `download_to_file`.
"""

from __future__ import annotations

from hubclient._http import HubHttp
from hubclient.xet._auth import XetConnection, XetUnavailable, fetch_connection
from hubclient.xet._runtime import hf_xet

__all__ = ["XetConnection", "XetUnavailable", "fetch_connection", "usable"]


def usable(http: HubHttp) -> bool:
    """Whether transfers through this HTTP door may go through hf_xet."""
    return http.settings.xet and http.own_network and hf_xet() is not None
