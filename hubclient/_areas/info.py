"""Repo info, existence checks and the model/dataset/Space listings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING

from hubclient import _repos, _urls
from hubclient._areas._base import Area, call_timeout, typed_items
from hubclient.models.repos import DatasetInfo, KernelInfo, ModelInfo, SpaceInfo

if TYPE_CHECKING:
    pass

__all__ = ["InfoArea"]


class InfoArea(Area):
    """Repo info, existence checks and listings (``model_info``, ``list_models``, …)."""

    async def model_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        securityStatus: bool | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> ModelInfo:
        """Info about a model repo at ``revision`` (default branch if None).

        ``files_metadata=True`` adds size, blob id and LFS info to each sibling; ``expand``
        selects the fields to return; ``timeout`` (seconds) overrides the client's.
        Raises ``RepositoryNotFoundError``, ``GatedRepoError``, ``RevisionNotFoundError``.

        Example::

            info = await client.model_info("acme/model", revision="v1.0")
            print(info.sha, info.last_modified, [s.rfilename for s in info.siblings or []])
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="model",
            revision=revision,
            timeout=call_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            security_status=securityStatus,
            token=token,
        )
        assert isinstance(info, ModelInfo)
        return info

    async def dataset_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> DatasetInfo:
        """Info about a dataset repo (see :meth:`model_info`).

        Example::

            info = await client.dataset_info("acme/data")
            print(info.sha, info.card_data)
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="dataset",
            revision=revision,
            timeout=call_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )
        assert isinstance(info, DatasetInfo)
        return info

    async def space_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> SpaceInfo:
        """Info about a Space repo (see :meth:`model_info`).

        Example::

            info = await client.space_info("acme/demo")
            print(info.sdk, info.runtime)
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="space",
            revision=revision,
            timeout=call_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )
        assert isinstance(info, SpaceInfo)
        return info

    async def repo_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        repo_type: str | None = None,
        timeout: float | None = None,
        files_metadata: bool = False,
        expand: list[str] | None = None,
        token: str | bool | None = None,
    ) -> ModelInfo | DatasetInfo | SpaceInfo | KernelInfo:
        """Info about a repo of any type (``repo_type``: model, dataset, space or kernel).

        For kernels, ``expand`` and ``files_metadata`` do not apply (as in huggingface_hub).

        Example::

            info = await client.repo_info("acme/data", repo_type="dataset")
        """
        return await _repos.repo_info(
            self._http,
            repo_id,
            repo_type=repo_type,
            revision=revision,
            timeout=call_timeout(timeout),
            files_metadata=files_metadata,
            expand=expand,
            token=token,
        )

    async def kernel_info(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        timeout: float | None = None,
        token: str | bool | None = None,
    ) -> KernelInfo:
        """Info about a kernel repo (compute kernels shared on the Hub) at ``revision``.

        Example::

            info = await client.kernel_info("acme/flash-kernels")
            print(info.sha, info.downloads)
        """
        info = await _repos.repo_info(
            self._http,
            repo_id,
            repo_type="kernel",
            revision=revision,
            timeout=call_timeout(timeout),
            token=token,
        )
        assert isinstance(info, KernelInfo)
        return info

    async def auth_check(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
        write: bool = False,
    ) -> None:
        """Check that the token may read the repo (``write=True``: write to it); else raise.

        Raises ``RepositoryNotFoundError`` (missing, or private and not yours),
        ``GatedRepoError`` (gated and not granted) or ``HfHubHTTPError`` (403: no write
        access). One cheap request, made for services that check a user's token up front.

        Example::

            await client.auth_check("acme/model", token=user_token, write=True)
        """
        kind = _urls.normalize_repo_type(repo_type)
        if kind == "kernel":
            raise ValueError("Invalid repo type, must be one of ('model', 'dataset', 'space')")
        path = f"{_urls.api_prefix(kind, repo_id)}/auth-check"
        await self._http.request("GET", f"{path}/write" if write else path, token=token)

    async def repo_exists(
        self, repo_id: str, *, repo_type: str | None = None, token: str | bool | None = None
    ) -> bool:
        """True if the repo exists (a gated repo counts as existing).

        Example::

            if not await client.repo_exists("acme/model"):
                await client.create_repo("acme/model")
        """
        return await _repos.repo_exists(self._http, repo_id, repo_type=repo_type, token=token)

    async def revision_exists(
        self,
        repo_id: str,
        revision: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> bool:
        """True if the repo exists and has this branch, tag or commit.

        Example::

            await client.revision_exists("acme/model", "v1.0")
        """
        return await _repos.revision_exists(
            self._http, repo_id, revision, repo_type=repo_type, token=token
        )

    def list_models(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        apps: str | list[str] | None = None,
        gated: bool | None = None,
        inference: str | None = None,
        inference_provider: str | list[str] | None = None,
        trained_dataset: str | list[str] | None = None,
        search: str | None = None,
        pipeline_tag: str | None = None,
        num_parameters: str | None = None,
        emissions_thresholds: tuple[float, float] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        cardData: bool = False,
        fetch_config: bool = False,
        token: str | bool | None = None,
    ) -> AsyncIterator[ModelInfo]:
        """Iterate over models matching the filters, following pagination lazily.

        ``sort`` accepts ``downloads``, ``likes``, ``last_modified``, ``created_at``,
        ``trending_score``; ``limit`` stops after that many results.
        ``emissions_thresholds=(min, max)`` keeps the models whose card declares CO2
        emissions (grams) in that range; it needs ``cardData=True`` and, as in huggingface_hub,
        filters the ``limit`` models fetched.

        Example::

            async for model in client.list_models(author="acme", limit=10):
                print(model.id, model.downloads)
        """
        params = _repos.model_list_params(
            filter=filter,
            author=author,
            apps=apps,
            gated=gated,
            inference=inference,
            inference_provider=inference_provider,
            trained_dataset=trained_dataset,
            search=search,
            pipeline_tag=pipeline_tag,
            num_parameters=num_parameters,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
            card_data=cardData,
            fetch_config=fetch_config,
        )
        if emissions_thresholds is not None and not cardData:
            raise ValueError("`emissions_thresholds` were passed without setting `cardData=True`.")
        items = _repos.list_repos(self._http, "model", params, limit=limit, token=token)
        if emissions_thresholds is not None:
            items = _repos.within_emissions(items, *emissions_thresholds)
        return typed_items(items, ModelInfo)

    def list_datasets(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        benchmark: str | bool | None = None,
        dataset_name: str | None = None,
        gated: bool | None = None,
        language_creators: str | list[str] | None = None,
        language: str | list[str] | None = None,
        multilinguality: str | list[str] | None = None,
        size_categories: str | list[str] | None = None,
        task_categories: str | list[str] | None = None,
        task_ids: str | list[str] | None = None,
        search: str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[DatasetInfo]:
        """Iterate over datasets matching the filters (see :meth:`list_models`).

        Example::

            async for ds in client.list_datasets(search="squad", limit=5):
                print(ds.id)
        """
        params = _repos.dataset_list_params(
            filter=filter,
            author=author,
            benchmark=benchmark,
            dataset_name=dataset_name,
            gated=gated,
            language_creators=language_creators,
            language=language,
            multilinguality=multilinguality,
            size_categories=size_categories,
            task_categories=task_categories,
            task_ids=task_ids,
            search=search,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
        )
        return typed_items(
            _repos.list_repos(self._http, "dataset", params, limit=limit, token=token), DatasetInfo
        )

    def list_spaces(
        self,
        *,
        filter: str | Iterable[str] | None = None,
        author: str | None = None,
        search: str | None = None,
        datasets: str | Iterable[str] | None = None,
        models: str | Iterable[str] | None = None,
        linked: bool = False,
        sort: str | None = None,
        limit: int | None = None,
        expand: list[str] | None = None,
        full: bool | None = None,
        token: str | bool | None = None,
    ) -> AsyncIterator[SpaceInfo]:
        """Iterate over Spaces matching the filters (see :meth:`list_models`).

        Example::

            async for space in client.list_spaces(author="acme"):
                print(space.id, space.sdk)
        """
        params = _repos.space_list_params(
            filter=filter,
            author=author,
            search=search,
            datasets=datasets,
            models=models,
            linked=linked,
            sort=sort,
            limit=limit,
            expand=expand,
            full=full,
        )
        return typed_items(
            _repos.list_repos(self._http, "space", params, limit=limit, token=token), SpaceInfo
        )
