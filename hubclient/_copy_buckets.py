"""``copy_files`` into a storage bucket: from another bucket or from a repo, as huggingface_hub
does it. Files with an Xet hash are copied server side (a ``copyFile`` of the batch names the
source and the hash: no byte moves); a repo file without one (a regular git file) is downloaded
into the cache, then added through Xet. A repo's ``.gitattributes`` stays behind (git metadata,
meaningless in a bucket). Where things land follows `hubclient._copy.target_path`.
"""

from __future__ import annotations

import anyio

from hubclient._copy import source_files, target_path
from hubclient._http import HubHttp
from hubclient._uris import HfUri
from hubclient.buckets._batch import AddSource, batch_files
from hubclient.buckets._remote import iter_tree, paths_info
from hubclient.download import hf_hub_download
from hubclient.download._groups import unwrap_groups
from hubclient.errors import EntryNotFoundError
from hubclient.models.buckets import BucketFile

__all__ = ["copy_to_bucket"]

DOWNLOADS_AT_ONCE = 8
"""Regular files downloaded at once before they are added (huggingface_hub's thread map)."""


async def _destination_shape(
    http: HubHttp, destination: HfUri, raw: str, token: str | bool | None
) -> tuple[bool, bool]:
    """(the destination is a folder, it exists as one)."""
    path = destination.path_in_repo
    if path == "":
        return True, True
    async for _ in paths_info(http, destination.id, [path], token=token):
        return False, False
    # the tree's prefix matches lexically ("logs" lists "logs.json" too): only the path itself
    # or what is below it makes a folder
    async for entry in iter_tree(http, destination.id, path, recursive=False, token=token):
        if entry.path == path or entry.path.startswith(f"{path}/"):
            return True, True
    return raw.endswith("/"), False


async def _bucket_sources(
    http: HubHttp, source: HfUri, token: str | bool | None
) -> list[tuple[BucketFile, str | None, bool]]:
    """(file, folder copied or None, whether it is the single file copied)."""
    path = source.path_in_repo
    if path:
        async for found in paths_info(http, source.id, [path], token=token):
            return [(found, None, True)]
    out: list[tuple[BucketFile, str | None, bool]] = []
    async for entry in iter_tree(http, source.id, path or None, recursive=True, token=token):
        if not isinstance(entry, BucketFile):
            continue
        if path and not (entry.path == path or entry.path.startswith(f"{path}/")):
            continue
        out.append((entry, path or None, False))
    return out


async def _download_all(
    http: HubHttp, source: HfUri, downloads: list[tuple[str, str]], token: str | bool | None
) -> list[tuple[AddSource, str]]:
    """Each ``(path, target)`` downloaded into the cache, `DOWNLOADS_AT_ONCE` workers at a
    time; ``(cached file, target)`` in the same order. The first failure cancels the rest."""
    local = [""] * len(downloads)
    pending = iter(enumerate(downloads))

    async def worker() -> None:
        for index, (path, _target) in pending:
            got = await hf_hub_download(
                http,
                source.id,
                path,
                repo_type=source.type,
                revision=source.revision,
                token=token,
            )
            assert isinstance(got, str)  # not a dry run
            local[index] = got

    with unwrap_groups():
        async with anyio.create_task_group() as tg:
            for _ in range(min(DOWNLOADS_AT_ONCE, len(downloads))):
                tg.start_soon(worker)
    return [(path, target) for path, (_, target) in zip(local, downloads, strict=True)]


async def copy_to_bucket(
    http: HubHttp,
    source: HfUri,
    destination: HfUri,
    raw_source: str,
    raw_destination: str,
    *,
    token: str | bool | None,
) -> None:
    """Copy ``source`` (a bucket or repo URI) into the bucket of ``destination``."""
    merge_contents = raw_source.endswith("/")
    is_folder, exists_as_folder = await _destination_shape(
        http, destination, raw_destination, token
    )

    def where(path: str, root: str | None, single: bool) -> str:
        return target_path(
            path,
            root,
            single,
            destination.path_in_repo,
            is_folder,
            exists_as_folder,
            merge_contents,
        )

    copies: list[tuple[str, str, str, str]] = []
    adds: list[tuple[AddSource, str]] = []
    if source.is_bucket:
        for found, root, single in await _bucket_sources(http, source, token):
            copies.append(("bucket", source.id, found.xet_hash, where(found.path, root, single)))
    else:
        downloads: list[tuple[str, str]] = []
        async for file, root, single in source_files(http, source, token):
            if file.path.rsplit("/", 1)[-1] == ".gitattributes":
                continue
            target = where(file.path, root, single)
            if file.xet_hash is not None:
                copies.append((source.type, source.id, file.xet_hash, target))
            else:
                downloads.append((file.path, target))
        adds.extend(await _download_all(http, source, downloads, token))
    if not copies and not adds:
        kind = "bucket" if source.is_bucket else source.type
        raise EntryNotFoundError(f"No files found at {raw_source!r} in {kind} {source.id!r}.")
    await batch_files(http, destination.id, add=adds, copy=copies, delete=None, token=token)
