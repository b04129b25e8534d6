"""Safetensors metadata: tensors, dtypes and parameter counts read from the headers alone."""

from __future__ import annotations

from hubclient import _safetensors
from hubclient._areas._base import Area, call_timeout
from hubclient.models.safetensors import SafetensorsFileMetadata, SafetensorsRepoMetadata

__all__ = ["SafetensorsArea"]


class SafetensorsArea(Area):
    """Safetensors metadata (``get_safetensors_metadata``, ``parse_safetensors_file_metadata``)."""

    async def get_safetensors_metadata(
        self,
        repo_id: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> SafetensorsRepoMetadata:
        """The safetensors weights of a repo: ``model.safetensors``, or the shards its index
        lists, read from their headers only (one ranged GET per file, shards concurrently).

        One ``paths-info`` request finds which layout the repo has (huggingface_hub sends a
        ``HEAD`` per candidate). ``timeout`` (seconds) applies to each request; None keeps the
        client's.

        Raises:
            NotASafetensorsRepoError: neither ``model.safetensors`` nor its index is there.
            SafetensorsParsingError: a header is truncated, too long, or not a header.

        Example::

            meta = await client.get_safetensors_metadata("acme/llm")
            print(meta.sharded, meta.parameter_count)  # {"BF16": 6_738_415_616}
        """
        return await _safetensors.get_safetensors_metadata(
            self._http,
            repo_id,
            repo_type=repo_type,
            revision=revision,
            token=token,
            timeout=call_timeout(timeout),
        )

    async def get_sharded_safetensors_metadata(
        self,
        repo_id: str,
        *,
        filename: str = "model.safetensors.index.json",
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> SafetensorsRepoMetadata:
        """Every shard's header of a sharded model in one request, parsed by the Hub
        (``GET /api/models/{repo_id}/safetensors-metadata/{filename}``; ``main`` only).

        Example::

            meta = await client.get_sharded_safetensors_metadata("acme/llm")
            print(len(meta.files_metadata))
        """
        return await _safetensors.get_sharded_safetensors_metadata(
            self._http, repo_id, filename=filename, token=token, timeout=call_timeout(timeout)
        )

    async def parse_safetensors_file_metadata(
        self,
        repo_id: str,
        filename: str,
        *,
        repo_type: str | None = None,
        revision: str | None = None,
        token: str | bool | None = None,
        timeout: float | None = None,
    ) -> SafetensorsFileMetadata:
        """The header of one safetensors file: its ``__metadata__`` and its tensors.

        One ranged GET of the first 100 kB (a second one for a longer header); a header that
        claims more bytes than the file has, or over 25 MB, is refused before anything more is
        read.

        Example::

            meta = await client.parse_safetensors_file_metadata("acme/llm", "model.safetensors")
            print(meta.tensors["lm_head.weight"].shape)
        """
        return await _safetensors.parse_safetensors_file_metadata(
            self._http,
            repo_id,
            filename,
            repo_type=repo_type,
            revision=revision,
            token=token,
            timeout=call_timeout(timeout),
        )
