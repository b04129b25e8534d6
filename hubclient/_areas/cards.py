"""Repo cards: what the Hub says of a card before it is committed."""

from __future__ import annotations

from hubclient._areas._base import Area
from hubclient._urls import normalize_repo_type
from hubclient.errors import BadRequestError, RepoCardError

__all__ = ["CardsArea"]


class CardsArea(Area):
    """Repo cards (``validate_repo_card``; the cards themselves are in ``hubclient.cards``)."""

    async def validate_repo_card(
        self,
        content: str,
        *,
        repo_type: str | None = None,
        token: str | bool | None = None,
    ) -> None:
        """Ask the Hub whether it accepts ``content`` as the README.md of a repo of
        ``repo_type`` (``POST /api/validate-yaml``); ``RepoCardError`` carries its reasons.

        Example::

            await client.validate_repo_card(Path("README.md").read_text())
        """
        try:
            await self._http.request(
                "POST",
                "/api/validate-yaml",
                json={"repoType": normalize_repo_type(repo_type), "content": content},
                headers={"accept": "text/plain"},
                token=token,
                retry=True,  # validation changes nothing
            )
        except BadRequestError as exc:
            reason = exc.server_message or str(exc)
            raise RepoCardError(f"the Hub refuses this card: {reason}") from exc
