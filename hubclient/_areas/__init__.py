"""The public methods of :class:`hubclient.AsyncHubClient`, one area class per file.

``AsyncHubClient`` (in ``hubclient/_client.py``) is composed of these classes; each holds the
public methods of one area of the Hub API with HfApi's names and delegates the work to its
engine (``hubclient._repos``, ``hubclient.download``, …) or, for small areas, talks to the
network through ``self._http`` itself. ``docs/architecture.md`` says how to add a method.
"""
