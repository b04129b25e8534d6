"""A pull-request review bot: the Hub's webhook for a new pull request comes in, the bot checks
the files the pull request adds or changes, comments what it found, and merges or closes it.

Run it (Starlette and uvicorn come with the ``server`` and ``webhooks`` extras)::

    HF_TOKEN=hf_... WEBHOOK_SECRET=... uvicorn examples.review_service:app --port 8080

and register the webhook once (discussion events of the repos you want reviewed)::

    await client.create_webhook(url="https://bot.example/webhooks", domains=["discussion", "repo"],
                                watched=[{"type": "user", "name": "acme"}], secret=SECRET)

The checks (a small policy; change ``Policy`` to taste): no file over ``max_file_bytes``, no
pickled Python objects (``.pkl``, ``.pickle``: loading one runs code), every ``.json`` file
parses. A clean pull request is published if it is a draft and merged; one with findings is
closed with the list. An empty draft is reviewed when its first commit arrives (the
``repo.content`` event of its ``refs/pr/N``). Each pull request is reviewed at most once at a
time, and a merged or closed one never again.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.routing import Mount

from hubclient import (
    AsyncHubClient,
    PullRequestNotMergeableError,
    RepoFile,
    WebhookPayload,
)
from hubclient.webhooks import WebhookReceiver

__all__ = ["Policy", "Review", "ReviewBot", "app", "create_app"]

logger = logging.getLogger("review_service")


@dataclass(frozen=True)
class Policy:
    """What a pull request must respect to be merged."""

    max_file_bytes: int = 50 * 1024 * 1024
    forbidden_suffixes: tuple[str, ...] = (".pkl", ".pickle")
    max_json_bytes: int = 5 * 1024 * 1024


@dataclass
class Review:
    """What the bot decided about one pull request."""

    repo_id: str
    repo_type: str
    num: int
    checked: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    outcome: str = ""  # "merged", "closed", "conflict" or "skipped"

    @property
    def comment(self) -> str:
        files = ", ".join(f"`{p}`" for p in self.checked) or "no file"
        if not self.findings:
            return f"Review bot: checked {files}. All good, merging."
        lines = "\n".join(f"- {f}" for f in self.findings)
        return f"Review bot: checked {files}.\n\nThis cannot be merged:\n{lines}"


class ReviewBot:
    """Reviews the pull requests the webhooks announce, with one shared client."""

    def __init__(self, client: AsyncHubClient, policy: Policy | None = None) -> None:
        self.client = client
        self.policy = policy or Policy()
        self.reviews: list[Review] = []
        self._busy: set[tuple[str, int]] = set()

    async def on_discussion(self, payload: WebhookPayload) -> None:
        discussion = payload.discussion
        if discussion is None or not discussion.is_pull_request:
            return
        if payload.event.action == "create":
            await self.review(payload.repo.name, payload.repo.type, discussion.num)

    async def on_content(self, payload: WebhookPayload) -> None:
        for ref in payload.updated_refs or []:
            if ref.ref.startswith("refs/pr/") and ref.new_sha and ref.old_sha:
                number = ref.ref.rsplit("/", 1)[1]
                if number.isdigit():  # new commits on an existing pull request
                    await self.review(payload.repo.name, payload.repo.type, int(number))

    async def _changed_files(
        self, repo_id: str, repo_type: str, num: int, base: str
    ) -> list[RepoFile]:
        async def tree(revision: str) -> dict[str, RepoFile]:
            entries = self.client.list_repo_tree(
                repo_id, recursive=True, revision=revision, repo_type=repo_type
            )
            return {e.path: e async for e in entries if isinstance(e, RepoFile)}

        head, target = await tree(f"refs/pr/{num}"), await tree(base)
        return [
            entry
            for path, entry in sorted(head.items())
            if path not in target or target[path].blob_id != entry.blob_id
        ]

    async def _check(self, review: Review, entry: RepoFile, revision: str) -> None:
        policy, path = self.policy, entry.path
        review.checked.append(path)
        if entry.size > policy.max_file_bytes:
            review.findings.append(
                f"`{path}` is {entry.size} bytes (at most {policy.max_file_bytes})"
            )
        if path.lower().endswith(policy.forbidden_suffixes):
            review.findings.append(f"`{path}` is a pickle: use safetensors or JSON instead")
        if path.endswith(".json"):
            if entry.size > policy.max_json_bytes:
                review.findings.append(f"`{path}` is too big to check")
                return
            data = bytearray()
            files = self.client.iter_file(
                review.repo_id, path, revision=revision, repo_type=review.repo_type
            )
            async for chunk in files:
                data += chunk
            try:
                json.loads(bytes(data))
            except ValueError as exc:
                review.findings.append(f"`{path}` is not valid JSON ({exc})")

    async def review(self, repo_id: str, repo_type: str, num: int) -> Review | None:
        """Review pull request ``num`` once: check, comment, merge or close."""
        key = (f"{repo_type}:{repo_id}", num)
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            return await self._review(repo_id, repo_type, num)
        finally:
            self._busy.discard(key)

    async def _review(self, repo_id: str, repo_type: str, num: int) -> Review | None:
        client = self.client
        details = await client.get_discussion_details(repo_id, num, repo_type=repo_type)
        if details.status not in ("open", "draft"):
            return None
        review = Review(repo_id, repo_type, num)
        changed = await self._changed_files(
            repo_id, repo_type, num, details.target_branch or "main"
        )
        if not changed:  # an empty draft: wait for its first commit
            review.outcome = "skipped"
            self.reviews.append(review)
            return review
        for entry in changed:
            await self._check(review, entry, f"refs/pr/{num}")
        await client.comment_discussion(repo_id, num, review.comment, repo_type=repo_type)
        if review.findings:
            await client.change_discussion_status(repo_id, num, "closed", repo_type=repo_type)
            review.outcome = "closed"
        else:
            if details.status == "draft":
                await client.change_discussion_status(repo_id, num, "open", repo_type=repo_type)
            try:
                await client.merge_pull_request(repo_id, num, repo_type=repo_type)
                review.outcome = "merged"
            except PullRequestNotMergeableError as err:  # e.g. conflicts with the target
                await client.comment_discussion(
                    repo_id, num, f"Review bot: the Hub refused the merge: {err.server_message}",
                    repo_type=repo_type,
                )  # fmt: skip
                review.outcome = "conflict"
        self.reviews.append(review)
        logger.info("reviewed %s#%d: %s", repo_id, num, review.outcome)
        return review


def create_app(
    client_factory: Callable[[], AsyncHubClient] | None = None,
    *,
    secret: str | None = None,
    policy: Policy | None = None,
) -> Starlette:
    """The service: ``POST /webhooks`` receives the Hub's webhooks. ``app.state.bot`` is the
    :class:`ReviewBot` (its ``reviews`` say what it did)."""
    factory = client_factory or AsyncHubClient
    webhook_secret = secret if secret is not None else os.environ["WEBHOOK_SECRET"]
    receiver = WebhookReceiver(webhook_secret)
    holder: dict[str, ReviewBot] = {}

    @receiver.on("discussion")
    async def discussion(payload: WebhookPayload) -> None:
        await holder["bot"].on_discussion(payload)

    @receiver.on("repo.content")
    async def content(payload: WebhookPayload) -> None:
        await holder["bot"].on_content(payload)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with factory() as client:
            holder["bot"] = app.state.bot = ReviewBot(client, policy)
            yield

    return Starlette(routes=[Mount("/webhooks", app=receiver)], lifespan=lifespan)


def _default_app() -> Starlette | None:
    if "WEBHOOK_SECRET" not in os.environ:
        return None  # imported for its classes (tests): build the app with create_app()
    return create_app()


app = _default_app()
