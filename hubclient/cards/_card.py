"""Repo cards (README.md with YAML front matter): load, edit, validate, push.

A card is its front matter (``card.data``, a typed :class:`CardData`) and its Markdown body
(``card.text``). ``card.content`` writes them back as the Hub reads them: the front matter
between ``---`` lines, keys in their original order (new ones after), the file's own line
endings, the body untouched. Pushing validates the card with the Hub first
(``/api/validate-yaml``) and commits ``README.md`` through the commit engine; a card the Hub
refuses is a :class:`RepoCardError` and nothing is committed.

Every call that needs the Hub has a sync form on a :class:`HubClient` (``load``,
``push_to_hub``, ``validate``; the module-level default client when none is given) and an async
form on an :class:`AsyncHubClient` (``aload``, ``apush_to_hub``, ``avalidate``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import anyio
import yaml
from pydantic import ValidationError

from hubclient import AsyncHubClient, CommitInfo, HubClient
from hubclient._functions._default import default_client
from hubclient.cards._data import CardData, DatasetCardData, ModelCardData, SpaceCardData
from hubclient.errors import RepoCardError

__all__ = ["DatasetCard", "ModelCard", "RepoCard", "SpaceCard", "card_class"]

README = "README.md"
YAML_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_Card = TypeVar("_Card", bound="RepoCard")


def line_ending(content: str) -> str | None:
    """The line ending a text uses (the Hub's rule): ``\\r\\n``, ``\\r``, ``\\n`` or None."""
    cr, lf, crlf = content.count("\r"), content.count("\n"), content.count("\r\n")
    if cr + lf == 0:
        return None
    if crlf == cr == lf:
        return "\r\n"
    return "\r" if cr > lf else "\n"


def yaml_dump(data: dict[str, Any], line_break: str | None = None) -> str:
    """The YAML huggingface_hub writes: keys in order, unicode as is."""
    return yaml.dump(data, allow_unicode=True, sort_keys=False, line_break=line_break)


def parse_front_matter(content: str) -> tuple[dict[str, Any] | None, str]:
    """(front matter, body); ``(None, content)`` without a front matter block."""
    match = YAML_BLOCK.search(content)
    if match is None:
        return None, content
    try:
        data = yaml.safe_load(match.group(2))
    except yaml.YAMLError as exc:
        raise RepoCardError(f"the card's YAML front matter is not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RepoCardError(
            f"the card's metadata block must be a mapping, not {type(data).__name__}"
        )
    return data, content[match.end() :]


class RepoCard:
    """A card of any repo type: ``data`` (front matter) and ``text`` (Markdown body).

    Example::

        card = ModelCard.load("acme/bert")
        card.data.license = "apache-2.0"
        card.data["new_field"] = [1, 2]
        card.push_to_hub("acme/bert", commit_message="License")
    """

    card_data_class: ClassVar[type[CardData]] = CardData
    repo_type: ClassVar[str] = "model"

    def __init__(self, content: str, ignore_metadata_errors: bool = False) -> None:
        self.ignore_metadata_errors = ignore_metadata_errors
        self.content = content

    @property
    def content(self) -> str:
        """The card as a file: the front matter (in the original key order) and the body."""
        eol = line_ending(self._content) or "\n"
        data = self.data.to_dict()
        order = [k for k in self._order if k in data] + [k for k in data if k not in self._order]
        front = yaml_dump({k: data[k] for k in order}, line_break=eol).strip()
        return f"---{eol}{front}{eol}---{eol}{self.text}"

    @content.setter
    def content(self, content: str) -> None:
        self._content = content
        data, self.text = parse_front_matter(content)
        data = data or {}
        self._order = list(data)
        self.data = self._make_data(data)

    def _make_data(self, data: dict[str, Any]) -> CardData:
        try:
            return self.card_data_class.model_validate(data)
        except ValidationError as exc:
            if self.ignore_metadata_errors and "model-index" in data:
                rest = {k: v for k, v in data.items() if k != "model-index"}
                return self._make_data(rest)
            raise RepoCardError(f"the card's metadata does not fit: {exc}") from exc

    def __str__(self) -> str:
        return self.content

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data={self.data.to_dict()!r}, text={self.text[:40]!r}…)"

    def save(self, filepath: str | Path) -> None:
        """Write the card to a file (its own line endings kept)."""
        path = Path(filepath)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as f:
            f.write(self.content)

    # --- from the Hub or a file ---

    @classmethod
    def _from_path(cls: type[_Card], path: Path, ignore_metadata_errors: bool) -> _Card:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return cls(f.read(), ignore_metadata_errors=ignore_metadata_errors)

    @classmethod
    def load(
        cls: type[_Card],
        repo_id_or_path: str | Path,
        repo_type: str | None = None,
        token: str | None = None,
        ignore_metadata_errors: bool = False,
        *,
        revision: str | None = None,
        client: HubClient | None = None,
    ) -> _Card:
        """A card from a local file, or from a repo's ``README.md`` on the Hub.

        Raises ``RemoteEntryNotFoundError`` when the repo has no README, ``RepoCardError`` for
        a card that cannot be read.
        """
        path = Path(repo_id_or_path)
        if path.is_file():
            return cls._from_path(path, ignore_metadata_errors)
        hub = client or _default_client()
        local = hub.hf_hub_download(
            str(repo_id_or_path),
            README,
            repo_type=repo_type or cls.repo_type,
            revision=revision,
            token=token,
        )
        return cls._from_path(Path(local), ignore_metadata_errors)

    @classmethod
    async def aload(
        cls: type[_Card],
        repo_id_or_path: str | Path,
        repo_type: str | None = None,
        token: str | None = None,
        ignore_metadata_errors: bool = False,
        *,
        revision: str | None = None,
        client: AsyncHubClient,
    ) -> _Card:
        """:meth:`load` on an :class:`AsyncHubClient` (the README is read, not cached)."""
        path = anyio.Path(repo_id_or_path)
        if await path.is_file():
            raw = await path.read_bytes()  # bytes: the file's own line endings are kept
            return cls(raw.decode("utf-8-sig"), ignore_metadata_errors=ignore_metadata_errors)
        async with client.open_file(
            str(repo_id_or_path),
            README,
            repo_type=repo_type or cls.repo_type,
            revision=revision,
            token=token,
        ) as remote:
            raw = await remote.read()
        return cls(raw.decode("utf-8-sig"), ignore_metadata_errors=ignore_metadata_errors)

    # --- validation and push ---

    def validate(self, repo_type: str | None = None, *, client: HubClient | None = None) -> None:
        """Ask the Hub whether it accepts this card; ``RepoCardError`` says why not."""
        (client or _default_client()).validate_repo_card(
            self.content, repo_type=repo_type or self.repo_type
        )

    async def avalidate(self, repo_type: str | None = None, *, client: AsyncHubClient) -> None:
        """:meth:`validate` on an :class:`AsyncHubClient`."""
        await client.validate_repo_card(self.content, repo_type=repo_type or self.repo_type)

    def push_to_hub(
        self,
        repo_id: str,
        token: str | None = None,
        repo_type: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        *,
        client: HubClient | None = None,
    ) -> CommitInfo:
        """Validate the card with the Hub, then commit it as ``README.md``."""
        hub = client or _default_client()
        kind = repo_type or self.repo_type
        hub.validate_repo_card(self.content, repo_type=kind)
        return hub.upload_file(
            path_or_fileobj=self.content.encode("utf-8"),
            path_in_repo=README,
            repo_id=repo_id,
            token=token,
            repo_type=kind,
            commit_message=commit_message or "Update README.md",
            commit_description=commit_description,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )

    async def apush_to_hub(
        self,
        repo_id: str,
        token: str | None = None,
        repo_type: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
        *,
        client: AsyncHubClient,
    ) -> CommitInfo:
        """:meth:`push_to_hub` on an :class:`AsyncHubClient`."""
        kind = repo_type or self.repo_type
        await client.validate_repo_card(self.content, repo_type=kind)
        return await client.upload_file(
            path_or_fileobj=self.content.encode("utf-8"),
            path_in_repo=README,
            repo_id=repo_id,
            token=token,
            repo_type=kind,
            commit_message=commit_message or "Update README.md",
            commit_description=commit_description,
            revision=revision,
            create_pr=create_pr,
            parent_commit=parent_commit,
        )


class ModelCard(RepoCard):
    """A model card: ``data`` is a :class:`ModelCardData` (``eval_results`` from
    ``model-index``)."""

    card_data_class = ModelCardData
    repo_type = "model"
    data: ModelCardData


class DatasetCard(RepoCard):
    """A dataset card: ``data`` is a :class:`DatasetCardData`."""

    card_data_class = DatasetCardData
    repo_type = "dataset"
    data: DatasetCardData


class SpaceCard(RepoCard):
    """A Space card: ``data`` is a :class:`SpaceCardData`."""

    card_data_class = SpaceCardData
    repo_type = "space"
    data: SpaceCardData


def card_class(repo_type: str | None) -> type[RepoCard]:
    kinds: dict[str | None, type[RepoCard]] = {
        None: ModelCard,
        "model": ModelCard,
        "dataset": DatasetCard,
        "space": SpaceCard,
    }
    if repo_type not in kinds:
        raise ValueError(f"Unknown repo_type: {repo_type}")
    return kinds[repo_type]


def _default_client() -> HubClient:
    return default_client()
