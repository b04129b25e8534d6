"""The storage-bucket engine: ids and paths, listings, batches (uploads through Xet), downloads
and sync. The area class (``hubclient/_areas/buckets.py``) delegates here; everything reaches the
network through :class:`hubclient._http.HubHttp`, Xet through :mod:`hubclient.xet`.
"""
