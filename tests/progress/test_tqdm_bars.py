"""tqdm bars for scripts, drawn from the typed progress events (the first-hour report,
item 12): bytes moved (not what was cached or held), one bar per large file with what it
does, HF_HUB_DISABLE_PROGRESS_BARS and tqdm_class respected."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import pytest
from tqdm import tqdm

from hubclient import (
    FileProgress,
    FileState,
    HubClient,
    Phase,
    PhaseChanged,
    TotalProgress,
    TqdmProgress,
)
from hubclient.testing import ALICE_TOKEN, LocalHub

MiB = 1 << 20


class Recording(tqdm):  # type: ignore[type-arg]
    """A tqdm that writes to memory and remembers every bar made."""

    made: ClassVar[list[Recording]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        self.descriptions: list[str] = []
        Recording.made.append(self)

    def set_description_str(self, desc: str | None = None, refresh: bool | None = True) -> None:
        self.descriptions.append(desc or "")
        super().set_description_str(desc, refresh)


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    Recording.made = []
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)


def test_bars_follow_the_events() -> None:
    bars = TqdmProgress(tqdm_class=Recording)
    bars(PhaseChanged(Phase.UPLOADING, files=2, total_bytes=200 * MiB))
    bars(FileProgress("w.bin", FileState.HASHING, 50 * MiB, 100 * MiB))
    total, file = Recording.made
    assert file.desc.startswith("Hashing w.bin")
    assert file.n == 50 * MiB
    bars(FileProgress("w.bin", FileState.UPLOADING, 10 * MiB, 100 * MiB))
    assert file.desc.startswith("Uploading w.bin")  # a new stage, its own label, from 0
    assert file.n == 10 * MiB
    bars(FileProgress("held.bin", FileState.SKIPPED, 300 * MiB, 300 * MiB))
    bars(TotalProgress(1, 2, 10 * MiB, 100 * MiB, bytes_skipped=300 * MiB))
    assert (total.n, total.total) == (10 * MiB, 100 * MiB)  # skipped bytes are not sent
    assert total.descriptions[-1] == "Uploading, 300.0 MiB skipped"
    bars(FileProgress("w.bin", FileState.DONE, 100 * MiB, 100 * MiB))
    bars(TotalProgress(2, 2, 100 * MiB, 100 * MiB, bytes_skipped=300 * MiB))
    bars(PhaseChanged(Phase.DONE))
    assert file.disable or file.n == 100 * MiB
    assert total.n == total.total == 100 * MiB
    assert all(bar.disable for bar in Recording.made)  # closed (tqdm disables a closed bar)


def test_the_environment_turns_them_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    bars = TqdmProgress(tqdm_class=Recording)
    assert bars.disabled
    bars(PhaseChanged(Phase.DOWNLOADING, files=1, total_bytes=10 * MiB))
    assert Recording.made == []
    assert not TqdmProgress(tqdm_class=Recording, disable=False).disabled


def test_a_script_downloads_with_bars(tmp_path: Path) -> None:
    big = bytes(range(256)) * (8 * 1024)  # 2 MiB: gets a bar of its own
    with LocalHub(tmp_path / "hub") as hub:
        hub.add_user("alice")
        hub.add_token(ALICE_TOKEN, user="alice", role="write")
        hub.seed_repo("alice/model", {"big.bin": big, "config.json": b"{}"})
        with HubClient(
            hub.hub_url,
            token=ALICE_TOKEN,
            transport=hub.async_transport(),
            cache_dir=tmp_path / "cache",
        ) as client:
            with TqdmProgress(tqdm_class=Recording) as bars:
                client.snapshot_download("alice/model", progress=bars)
            total = Recording.made[0]
            assert total.n == total.total  # every byte to move, moved
            assert len(big) + 2 <= total.total < len(big) + 4096  # (+ .gitattributes)
            assert any(bar.desc.startswith("Downloading big.bin") for bar in Recording.made[1:])
            Recording.made = []
            with TqdmProgress(tqdm_class=Recording) as again:
                client.hf_hub_download("alice/model", "big.bin", progress=again)
    assert all(bar.n == 0 for bar in Recording.made)  # cached: nothing moved


def seeded(tmp_path: Path) -> LocalHub:
    hub = LocalHub(tmp_path / "hub")
    hub.add_user("alice")
    hub.add_token(ALICE_TOKEN, user="alice", role="write")
    hub.seed_repo("alice/model", {"big.bin": bytes(range(256)) * (8 * 1024), "a.json": b"{}"})
    return hub


def test_hubclient_draws_bars_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with seeded(tmp_path) as hub:
        options: dict[str, Any] = {"token": ALICE_TOKEN, "transport": hub.async_transport()}
        with HubClient(hub.hub_url, cache_dir=tmp_path / "c1", **options) as client:
            client.snapshot_download("alice/model")
            client.upload_file(
                path_or_fileobj=b"x" * 100, path_in_repo="x.txt", repo_id="alice/model"
            )
        drawn = capsys.readouterr().err
        assert "Downloading" in drawn
        assert "2.00M/2.00M" in drawn  # the whole snapshot, in bytes
        assert "Committing" in drawn
        with HubClient(
            hub.hub_url, cache_dir=tmp_path / "c2", disable_progress_bars=True, **options
        ) as quiet:
            quiet.snapshot_download("alice/model")
        assert capsys.readouterr().err == ""
        monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        with HubClient(hub.hub_url, cache_dir=tmp_path / "c3", **options) as off:
            off.snapshot_download("alice/model")
        assert capsys.readouterr().err == ""
        monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS")
        seen: list[object] = []
        with HubClient(hub.hub_url, cache_dir=tmp_path / "c4", **options) as own:
            own.snapshot_download("alice/model", progress=seen.append)
        assert capsys.readouterr().err == ""  # a callback of the caller's: no bars of ours
        assert seen
