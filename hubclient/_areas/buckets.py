"""Storage buckets: S3-like, mutable, Xet-backed storage (no git history).

Create, inspect, list, move and delete buckets; list their files; add, copy and delete files in
batches (uploads go through Xet: the ``xet`` extra); download files; sync a local folder with a
bucket prefix, either way. A bucket id is ``namespace/name``; a bare ``name`` means the token
owner's namespace, and ``hf://buckets/namespace/name`` is accepted too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Literal

from hubclient import _repos
from hubclient._answers import parse_json
from hubclient._areas._base import Area
from hubclient._tqdm import TqdmProgress
from hubclient.buckets import _remote
from hubclient.buckets._batch import AddSource, batch_files
from hubclient.buckets._download import download_files
from hubclient.buckets._ids import (
    api_path,
    check_bucket_id,
    parse_bucket_uri,
)
from hubclient.buckets._sync import SyncRequest, sync
from hubclient.download._options import DownloadOptions
from hubclient.errors import (
    BucketNotFoundError,
    HfHubHTTPError,
    HFValidationError,
    RepositoryNotFoundError,
)
from hubclient.models.buckets import (
    BUCKET_PREFIX,
    BucketBatchResult,
    BucketFile,
    BucketFileMetadata,
    BucketFolder,
    BucketInfo,
    BucketUrl,
    SyncPlan,
)
from hubclient.progress import ProgressCallback

__all__ = ["NOTES", "BucketsArea"]

#: Remarks on behaviour the signatures do not show (the parity ledger, docs/parity.md, reads it).
NOTES: dict[str, str] = {
    "batch_bucket_files": (
        "uploads need hf_xet (the `xet` extra; buckets are Xet-only), as in huggingface_hub; "
        "returns what was done (Xet hashes, dedup figures) where huggingface_hub returns None"
    ),
    "download_bucket_files": (
        "through hf_xet when installed, else plain HTTP (the file's /resolve URL); each file "
        "lands through a temp file, size-checked"
    ),
    "sync_bucket": (
        "plan files are huggingface_hub's JSONL: a plan saved by one client applies in the other"
    ),
}


class BucketsArea(Area):
    """Storage buckets: create, list, move and delete them; add, copy, fetch and sync files."""

    async def _bucket_id(self, bucket_id: str, token: str | bool | None) -> str:
        """``namespace/name`` from ``namespace/name``, ``name`` or ``hf://buckets/…``."""
        if not isinstance(bucket_id, str):
            raise HFValidationError(f"Invalid bucket id {bucket_id!r}")
        text = bucket_id
        page = f"{self._http.endpoint}/buckets/"
        if text.startswith(page):
            text = BUCKET_PREFIX + text[len(page) :]
        if text.startswith(BUCKET_PREFIX):
            uri = parse_bucket_uri(text)
            if uri.path_in_repo:
                raise HFValidationError(f"Invalid bucket id {bucket_id!r}: it names a path")
            return uri.id
        if "/" not in text:
            return check_bucket_id(f"{await self._own_name(token)}/{text}")
        return check_bucket_id(text)

    async def create_bucket(
        self,
        bucket_id: str,
        *,
        private: bool | None = None,
        visibility: Literal["public", "private"] | None = None,
        resource_group_id: str | None = None,
        region: Literal["us", "eu"] | None = None,
        exist_ok: bool = False,
        token: bool | str | None = None,
    ) -> BucketUrl:
        """Create a bucket (``name`` alone: in the token owner's namespace).

        ``exist_ok=True`` returns the URL of an existing bucket instead of raising.

        Example::

            url = await client.create_bucket("checkpoints", private=True, exist_ok=True)
            url.bucket_id, url.uri.to_uri()     # ('alice/checkpoints', 'hf://buckets/…')
        """
        try:
            chosen = _repos.resolve_visibility(
                private=private, visibility=visibility, repo_type="bucket"
            )
        except ValueError as exc:
            raise HFValidationError(str(exc)) from None
        if chosen == "protected":
            raise HFValidationError("Only Spaces can be 'protected'; use 'public' or 'private'.")
        payload: dict[str, str] = {}
        if chosen is not None:
            payload["visibility"] = chosen
        if resource_group_id is not None:
            payload["resourceGroupId"] = resource_group_id
        if region is not None:
            payload["region"] = region
        text = bucket_id
        if isinstance(text, str) and "/" not in text:
            target = f"me/{text}"
            check_bucket_id(f"me/{text}")
        else:
            target = await self._bucket_id(bucket_id, token)
        try:
            response = await self._http.request("POST", api_path(target), json=payload, token=token)
        except HfHubHTTPError as err:
            if not exist_ok or err.status_code not in (401, 403, 409):
                raise
            if target.startswith("me/"):  # the namespace the Hub chose: the token owner's
                target = f"{await self._own_name(token)}/{target[3:]}"
            if err.status_code != 409:  # no right to create there: it may exist all the same
                try:
                    await self.bucket_info(target, token=token)
                except HfHubHTTPError:
                    raise err from None
            return self._bucket_url(target, None)
        data: object = parse_json(response, expected="the new bucket's URL")
        return self._bucket_url(None, data.get("url") if isinstance(data, dict) else None)

    def _bucket_url(self, bucket_id: str | None, url: str | None) -> BucketUrl:
        endpoint = self._http.endpoint
        if url and url.startswith(f"{endpoint}/buckets/"):
            found = url[len(endpoint) + len("/buckets/") :].strip("/")
            return BucketUrl.from_id(check_bucket_id(found), endpoint, url)
        if bucket_id is None:
            raise HFValidationError(f"The Hub answered no bucket URL hubclient can read: {url!r}")
        return BucketUrl.from_id(bucket_id, endpoint)

    async def bucket_info(self, bucket_id: str, *, token: bool | str | None = None) -> BucketInfo:
        """A bucket's visibility, size, file count and dates.

        Example::

            info = await client.bucket_info("alice/checkpoints")
            print(info.private, info.size, info.total_files)
        """
        bucket = await self._bucket_id(bucket_id, token)
        response = await self._http.request("GET", api_path(bucket), token=token)
        return parse_json(response, BucketInfo.model_validate, expected="a bucket's info")

    async def list_buckets(
        self,
        namespace: str | None = None,
        *,
        search: str | None = None,
        token: bool | str | None = None,
    ) -> AsyncIterator[BucketInfo]:
        """The buckets of a user or organisation (default: the token owner's), page by page;
        ``search`` filters by name.

        Example::

            async for bucket in client.list_buckets("acme", search="ckpt"):
                print(bucket.id, bucket.size)
        """
        owner = "me" if namespace is None else namespace
        if owner != "me":
            check_bucket_id(f"{owner}/x")
        params = {} if search is None else {"search": search}
        seen = 0
        async for item in self._http.paginate(api_path(owner), params=params, token=token):
            seen += 1
            if seen > _remote.MAX_ENTRIES:
                raise HFValidationError(f"the bucket list of {owner} never ends; stopped")
            yield _remote._parse(BucketInfo, item, "bucket info")

    async def delete_bucket(
        self, bucket_id: str, *, missing_ok: bool = False, token: bool | str | None = None
    ) -> None:
        """Delete a bucket and its files. ``missing_ok=True`` ignores a bucket that does not
        exist.

        Example::

            await client.delete_bucket("alice/old-checkpoints", missing_ok=True)
        """
        bucket = await self._bucket_id(bucket_id, token)
        try:
            await self._http.request("DELETE", api_path(bucket), token=token)
        except BucketNotFoundError:
            if not missing_ok:
                raise

    async def move_bucket(
        self, from_id: str, to_id: str, *, token: bool | str | None = None
    ) -> None:
        """Rename a bucket or transfer it to another namespace (both ids ``namespace/name``).

        A missing source raises :class:`BucketNotFoundError` (huggingface_hub's is the
        repos' error of ``/api/repos/move``).

        Example::

            await client.move_bucket("alice/ckpt", "acme/ckpt")
        """
        for value in (from_id, to_id):
            if not isinstance(value, str) or len(value.split("/")) != 2:
                raise HFValidationError(
                    f"Invalid bucket id: {value!r}. It should have a namespace "
                    "(:namespace:/:bucket_name:)"
                )
        check_bucket_id(from_id)
        check_bucket_id(to_id)
        body = {"fromRepo": from_id, "toRepo": to_id, "type": "bucket"}
        try:
            await self._http.request("POST", "/api/repos/move", json=body, token=token)
        except RepositoryNotFoundError as err:
            if isinstance(err, BucketNotFoundError):
                raise
            # the route is the repos' one, so the answer reads as a repo's: name the bucket
            missing = BucketNotFoundError(
                str(err.args[0]) if err.args else "Bucket not found",
                status_code=err.status_code,
                url=err.url,
                method=err.method,
                request_id=err.request_id,
                server_message=err.server_message,
                error_code=err.error_code,
                headers=err.headers,
            )
            missing.bucket_id = from_id
            raise missing from None

    async def update_bucket_settings(
        self, bucket_id: str, *, private: bool, token: bool | str | None = None
    ) -> None:
        """Make a bucket private or public.

        Example::

            await client.update_bucket_settings("alice/ckpt", private=True)
        """
        if not isinstance(private, bool):
            raise HFValidationError(f"private must be a bool, not {private!r}")
        bucket = await self._bucket_id(bucket_id, token)
        await self._http.request(
            "PUT", api_path(bucket, "settings"), json={"private": private}, token=token
        )

    async def list_bucket_tree(
        self,
        bucket_id: str,
        prefix: str | None = None,
        *,
        recursive: bool | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[BucketFile | BucketFolder]:
        """The files (and, unless ``recursive``, the folders) of a bucket, page by page.

        ``prefix`` matches as S3's does, by the start of the path: ``"logs"`` finds the
        folder ``logs/`` and also ``logs.json``; give ``"logs/"``'s entries a check of your own
        when only the folder is wanted.

        Example::

            async for entry in client.list_bucket_tree("alice/ckpt", "runs", recursive=True):
                print(entry.path, getattr(entry, "size", None))
        """
        bucket = await self._bucket_id(bucket_id, token)
        async for entry in _remote.iter_tree(
            self._http, bucket, prefix, recursive=recursive, token=token
        ):
            yield entry

    async def get_bucket_paths_info(
        self,
        bucket_id: str,
        paths: Iterable[str],
        *,
        token: str | bool | None = None,
    ) -> AsyncIterator[BucketFile]:
        """The files among ``paths`` (missing ones are left out), in requests of 1000 paths.

        Example::

            async for f in client.get_bucket_paths_info("alice/ckpt", ["a.bin", "b/c.bin"]):
                print(f.path, f.size, f.xet_hash)
        """
        if isinstance(paths, str):
            paths = [paths]
        bucket = await self._bucket_id(bucket_id, token)
        async for entry in _remote.paths_info(self._http, bucket, paths, token=token):
            yield entry

    async def get_bucket_file_metadata(
        self,
        bucket_id: str,
        remote_path: str,
        *,
        token: str | bool | None = None,
    ) -> BucketFileMetadata:
        """The size and Xet data of one file (a HEAD on its ``/resolve`` URL).

        A missing file raises :class:`RemoteEntryNotFoundError`.

        Example::

            meta = await client.get_bucket_file_metadata("alice/ckpt", "model.safetensors")
            meta.size, meta.xet_file_data.file_hash
        """
        bucket = await self._bucket_id(bucket_id, token)
        return await _remote.file_metadata(self._http, bucket, remote_path, token=token)

    async def batch_bucket_files(
        self,
        bucket_id: str,
        *,
        add: Sequence[tuple[AddSource, str]] | None = None,
        copy: Sequence[tuple[str, str, str, str]] | None = None,
        delete: Sequence[str] | None = None,
        token: str | bool | None = None,
        progress: ProgressCallback | None = None,
    ) -> BucketBatchResult:
        """Add, copy and delete files of a bucket.

        ``add``: ``(local path, bytes or binary file, bucket path)`` pairs, uploaded through
        Xet (only the chunks the Hub lacks are sent); ``copy``: ``(source_repo_type,
        source_repo_id, xet_hash, bucket path)``, server-side copies from a bucket or repo;
        ``delete``: bucket paths. Not transactional: refused operations raise
        :class:`BucketBatchError` (``failures``) once everything else was applied.

        Example::

            await client.batch_bucket_files(
                "alice/ckpt",
                add=[("./model.safetensors", "v2/model.safetensors"), (b"{}", "v2/config.json")],
                delete=["v1/model.safetensors"],
            )
        """
        bucket = await self._bucket_id(bucket_id, token)
        return await batch_files(
            self._http, bucket, add=add, copy=copy, delete=delete, token=token, progress=progress
        )

    async def download_bucket_files(
        self,
        bucket_id: str,
        files: Sequence[tuple[str | BucketFile, str | Path]],
        *,
        raise_on_missing_files: bool = False,
        token: str | bool | None = None,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> None:
        """Download ``(bucket path or BucketFile, local path)`` pairs. Missing files warn (or
        raise :class:`EntryNotFoundError` with ``raise_on_missing_files=True``).

        Example::

            await client.download_bucket_files(
                "alice/ckpt", [("v2/model.safetensors", "./model.safetensors")]
            )
        """
        bucket = await self._bucket_id(bucket_id, token)
        await download_files(
            self._http,
            bucket,
            files,
            raise_on_missing_files=raise_on_missing_files,
            token=token,
            options=options,
            progress=progress,
        )

    async def sync_bucket(
        self,
        source: str | None = None,
        dest: str | None = None,
        *,
        delete: bool = False,
        ignore_times: bool = False,
        ignore_sizes: bool = False,
        existing: bool = False,
        ignore_existing: bool = False,
        include: list[str] | None = None,
        exclude: list[str] | None = None,
        filter_from: str | None = None,
        plan: str | None = None,
        apply: str | None = None,
        dry_run: bool = False,
        verbose: bool = False,
        quiet: bool = False,
        token: bool | str | None = None,
        progress: ProgressCallback | None = None,
        options: DownloadOptions | None = None,
    ) -> SyncPlan:
        """Make a bucket prefix like a local folder, or a local folder like a bucket prefix
        (one of ``source``/``dest`` is ``hf://buckets/ns/name[/prefix]``), as ``hf buckets
        sync``. ``plan=`` saves the plan instead, ``apply=`` runs a saved one, ``dry_run``
        prints it (JSONL); a summary is printed (and HubClient draws bars) unless ``quiet``.

        Example::

            plan = await client.sync_bucket("./runs", "hf://buckets/alice/ckpt/runs", delete=True)
            plan.summary()    # {'uploads': 3, 'downloads': 0, 'deletes': 1, 'skips': 7, …}
        """
        if quiet and isinstance(progress, TqdmProgress):
            progress = None  # HubClient's default bars: quiet means none, as huggingface_hub
        request = SyncRequest(
            source=source,
            dest=dest,
            delete=delete,
            ignore_times=ignore_times,
            ignore_sizes=ignore_sizes,
            existing=existing,
            ignore_existing=ignore_existing,
            include=include,
            exclude=exclude,
            filter_from=filter_from,
            plan=plan,
            apply=apply,
            dry_run=dry_run,
            verbose=verbose,
            quiet=quiet,
        )
        return await sync(self._http, request, token=token, progress=progress, options=options)
