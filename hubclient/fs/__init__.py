"""An fsspec filesystem over the Hub (``hubclient://``), on :class:`hubclient.AsyncHubClient`.

Needs the ``fs`` extra (``pip install 'hubclient[fs]'``, which brings fsspec). Registered with
fsspec under the protocol ``hubclient`` (an entry point), so pandas, pyarrow, polars, duckdb and
dask open ``hubclient://`` paths once hubclient is installed::

    import pandas as pd
    df = pd.read_parquet("hubclient://datasets/acme/corpus/train.parquet", columns=["text"])

or, with a client of your own::

    from hubclient.fs import HubFileSystem
    fs = HubFileSystem(client=AsyncHubClient(endpoint=..., token=...))
    fs.ls("datasets/acme/corpus")
"""

from __future__ import annotations

try:
    import fsspec  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("hubclient.fs needs fsspec: pip install 'hubclient[fs]'") from exc

from hubclient.fs._filesystem import HubFile, HubFileSystem
from hubclient.fs._paths import HubPath, parse_path

__all__ = ["HubFile", "HubFileSystem", "HubPath", "parse_path"]
