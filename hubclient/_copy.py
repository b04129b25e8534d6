"""``copy_files``: copy files or folders between repos of one Hub (``hf://`` URIs), server
side for LFS files, in one commit on the destination (into a bucket: `hubclient._copy_buckets`).

Where things land follows huggingface_hub (and ``cp -r`` / rsync): a file copied onto an
existing folder (or a path ending with ``/``) goes inside it; a folder copied onto an existing
folder is nested in it, unless the source ends with ``/`` (its contents are merged in).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from hubclient import _files
from hubclient._http import HubHttp
from hubclient._uris import HfUri, parse_hf_uri
from hubclient.errors import EntryNotFoundError, HFValidationError, RemoteEntryNotFoundError
from hubclient.models.commits import CommitOperationCopy
from hubclient.models.files import RepoFile, RepoFolder
from hubclient.upload import create_commit

__all__ = ["copy_files", "source_files", "target_path"]


def target_path(
    source_path: str,
    source_root: str | None,
    single_file: bool,
    destination: str,
    destination_is_folder: bool,
    destination_exists_as_folder: bool,
    merge_contents: bool,
) -> str:
    """Where ``source_path`` goes (``source_root``: the folder copied, None for a whole repo
    or a single file)."""
    basename = source_path.rsplit("/", 1)[-1]
    if single_file:
        if destination == "":
            return basename
        if destination_is_folder:
            return f"{destination.rstrip('/')}/{basename}"
        return destination
    if source_root is None:
        relative = source_path
    elif source_path.startswith(source_root + "/"):
        relative = source_path[len(source_root) + 1 :]
    else:
        raise ValueError(f"Unexpected source path while copying a folder: {source_path!r}")
    if destination_exists_as_folder and source_root is not None and not merge_contents:
        relative = f"{source_root.rsplit('/', 1)[-1]}/{relative}"
    return relative if destination == "" else f"{destination.rstrip('/')}/{relative}"


async def _destination_shape(
    http: HubHttp, destination: HfUri, raw: str, token: str | bool | None
) -> tuple[bool, bool]:
    """(the destination is a folder, it exists as one)."""
    if destination.path_in_repo == "":
        return True, True
    found = await _files.get_paths_info(
        http,
        destination.id,
        [destination.path_in_repo],
        revision=destination.revision,
        repo_type=destination.type,
        token=token,
    )
    if len(found) == 1 and isinstance(found[0], RepoFile):
        return False, False
    if len(found) == 1 and isinstance(found[0], RepoFolder):
        return True, True
    return raw.endswith("/"), False


async def source_files(
    http: HubHttp, source: HfUri, token: str | bool | None
) -> AsyncIterator[tuple[RepoFile, str | None, bool]]:
    """(file, folder copied or None, whether it is the single file copied)."""
    if source.path_in_repo:
        found = await _files.get_paths_info(
            http,
            source.id,
            [source.path_in_repo],
            revision=source.revision,
            repo_type=source.type,
            token=token,
        )
        if len(found) == 1 and isinstance(found[0], RepoFile):
            yield found[0], None, True
            return
    try:
        async for entry in _files.list_repo_tree(
            http,
            source.id,
            source.path_in_repo or None,
            recursive=True,
            revision=source.revision,
            repo_type=source.type,
            token=token,
        ):
            if isinstance(entry, RepoFile):
                yield entry, source.path_in_repo or None, False
    except RemoteEntryNotFoundError:
        return


async def copy_files(
    http: HubHttp, source: str, destination: str, *, token: str | bool | None
) -> None:
    """Copy ``source`` to ``destination`` (both ``hf://`` repo URIs) in one commit (copies
    into a bucket: `hubclient._copy_buckets`)."""
    src, dst = parse_hf_uri(source), parse_hf_uri(destination)
    if dst.is_bucket:
        raise HFValidationError(f"{destination!r} is a bucket: see copy_to_bucket")
    if src.is_bucket:
        raise HFValidationError(
            "Bucket-to-repo copy is not supported (the Hub copies into buckets only): "
            f"{source!r} -> {destination!r}"
        )
    merge_contents = source.endswith("/")
    is_folder, exists_as_folder = await _destination_shape(http, dst, destination, token)
    same_repo = (src.id, src.type) == (dst.id, dst.type)
    operations = [
        CommitOperationCopy(
            src_path_in_repo=file.path,
            path_in_repo=target_path(
                file.path,
                root,
                single,
                dst.path_in_repo,
                is_folder,
                exists_as_folder,
                merge_contents,
            ),
            src_revision=src.revision,
            src_repo_id=None if same_repo else src.id,
            src_repo_type=None if same_repo else src.type,
        )
        async for file, root, single in source_files(http, src, token)
    ]
    if not operations:
        raise EntryNotFoundError(f"No files found at {source!r} in {src.type} {src.id!r}.")
    await create_commit(
        http,
        dst.id,
        operations,
        commit_message=f"Copy files from {src.type}s/{src.id}",
        repo_type=dst.type,
        revision=dst.revision,
        token=token,
    )
