"""The parity ledger: docs/parity.md is current, every deviation is explained, and the
call-compatibility rule says what it means."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import hubclient
from hubclient import _parity
from hubclient._parity import CLIENT_SETTINGS, build, call_problems, render, signature_of
from hubclient._parity._ledger import MISSING, SAME
from hubclient._parity._plan import FUNCTIONS, NOT_PLANNED, PLANNED, SEED_ERA

ROOT = Path(hubclient.__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ledger() -> _parity.Ledger:
    return build()


def test_every_deviation_is_explained_and_no_explanation_is_stale(ledger: _parity.Ledger) -> None:
    assert ledger.errors == [], "\n".join(ledger.errors)


def test_docs_parity_md_is_current(ledger: _parity.Ledger) -> None:
    on_disk = (ROOT / "docs" / "parity.md").read_text(encoding="utf-8")
    assert on_disk == render(ledger), "docs/parity.md is stale: run python -m hubclient._parity"


def test_the_ledger_covers_every_hfapi_method_once(ledger: _parity.Ledger) -> None:
    from huggingface_hub import HfApi

    names = {n for n, v in vars(HfApi).items() if inspect.isfunction(v) and n[0] != "_"}
    assert [r.name for r in ledger.methods] == sorted(names)
    # what the ledger calls "same call" really is: every such method is on both clients
    for row in ledger.methods:
        if row.state == SAME:
            assert hasattr(hubclient.AsyncHubClient, row.name)
            assert hasattr(hubclient.HubClient, row.name)
        if row.state == MISSING:
            assert not hasattr(hubclient.AsyncHubClient, row.name)


def test_the_plan_names_real_methods_and_functions() -> None:
    import huggingface_hub
    from huggingface_hub import HfApi

    assert set(PLANNED) <= set(vars(HfApi)), "PLANNED names an unknown method"
    assert set(NOT_PLANNED) <= set(vars(HfApi))
    assert all(hasattr(huggingface_hub, name) for name in FUNCTIONS)
    assert not set(SEED_ERA) & set(vars(HfApi)), "a seed-era method is still in HfApi"


def test_a_stale_or_missing_explanation_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from hubclient._areas import refs, uploads

    monkeypatch.setitem(uploads.DEVIATIONS, "create_commit", {})
    monkeypatch.setattr(refs, "DEVIATIONS", {"create_tag": {"tag": "no reason"}}, raising=False)
    errors = build().errors
    assert any(e.startswith("create_commit(run_as_future): missing; ") for e in errors)
    assert any("create_tag(tag): no longer deviates" in e for e in errors)


# --- the rule ---------------------------------------------------------------------------


def _problems(reference: Any, ours: Any) -> list[str]:
    return [
        f"{p.parameter}: {p.text}"
        for p in call_problems(signature_of(reference), signature_of(ours))
    ]


def test_same_signature_and_keyword_only_extras_are_compatible() -> None:
    def theirs(repo_id: str, *, revision: str | None = None, token: bool | None = None) -> None: ...

    def ours(
        repo_id: str,
        *,
        token: bool | None = None,
        revision: str | None = None,
        progress: Any = None,
    ) -> None: ...

    assert _problems(theirs, ours) == []


def test_a_positional_parameter_must_stay_in_place() -> None:
    def theirs(repo_id: str, filename: str) -> None: ...

    def swapped(filename: str, repo_id: str) -> None: ...

    def keyword(repo_id: str, *, filename: str) -> None: ...

    assert _problems(theirs, swapped) == [
        "repo_id: positional #1 in huggingface_hub, at another place here",
        "filename: positional #2 in huggingface_hub, at another place here",
    ]
    assert _problems(theirs, keyword) == [
        "filename: positional #2 in huggingface_hub, keyword-only here"
    ]


def test_missing_required_and_default_problems() -> None:
    def theirs(repo_id: str, *, exist_ok: bool = False, run_as_future: bool = False) -> None: ...

    def ours(repo_id: str, new: int, *, exist_ok: bool = True) -> None: ...

    assert _problems(theirs, ours) == [
        "exist_ok: default True here, False in huggingface_hub",
        "run_as_future: missing",
        "new: required here, unknown to huggingface_hub",
    ]


def test_none_means_the_clients_setting_only_for_known_settings() -> None:
    def theirs(*, timeout: float = 10, max_workers: int = 8, num_threads: int = 5) -> None: ...

    def ours(
        *, timeout: float | None = None, max_workers: int | None = None, num_threads: Any = None
    ) -> None: ...

    assert {"timeout", "max_workers"} <= set(CLIENT_SETTINGS)
    assert _problems(theirs, ours) == ["num_threads: default None here, 5 in huggingface_hub"]


def test_private_reference_parameters_and_self_are_ignored() -> None:
    class Theirs:
        def m(self, repo_id: str, *, _hot_reload: bool | None = None) -> None: ...

    class Ours:
        async def m(self, repo_id: str) -> None: ...

    assert _problems(Theirs.m, Ours.m) == []


def test_a_bool_default_is_not_an_int_default() -> None:
    def theirs(*, flag: bool = True) -> None: ...

    def ours(*, flag: int = 1) -> None: ...

    assert _problems(theirs, ours) == ["flag: default 1 here, True in huggingface_hub"]
