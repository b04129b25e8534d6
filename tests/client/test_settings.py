"""Settings come from the HF_* environment when a client is built, and each can be overridden."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubclient import AsyncHubClient, HubSettings, LocalTokenNotFoundError


def test_defaults_without_environment(tmp_path: Path) -> None:
    s = HubSettings.from_env(env={"HF_HOME": str(tmp_path)})
    assert s.endpoint == "https://huggingface.co"
    assert s.token is None
    assert s.offline is False
    assert s.hf_home == tmp_path
    assert s.hub_cache == tmp_path / "hub"
    assert s.token_path == tmp_path / "token"
    assert s.etag_timeout == 10
    assert s.download_timeout == 10
    assert s.user_agent.startswith("hubclient/")


def test_environment_is_read(tmp_path: Path) -> None:
    env = {
        "HF_ENDPOINT": "http://127.0.0.1:9999/",
        "HF_TOKEN": " hf_env\n",
        "HF_HOME": str(tmp_path / "home"),
        "HF_HUB_CACHE": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_ETAG_TIMEOUT": "3",
        "HF_HUB_DOWNLOAD_TIMEOUT": "7.5",
        "HF_HUB_DISABLE_PROGRESS_BARS": "true",
    }
    s = HubSettings.from_env(env=env)
    assert s.endpoint == "http://127.0.0.1:9999"
    assert s.token == "hf_env"
    assert s.hub_cache == tmp_path / "cache"
    assert s.offline is True
    assert s.etag_timeout == 3
    assert s.download_timeout == 7.5
    assert s.disable_progress_bars is True


def test_token_precedence(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("hf_from_file\n")
    base = {"HF_HOME": str(tmp_path)}
    assert HubSettings.from_env(env=base).token == "hf_from_file"
    legacy = {**base, "HUGGING_FACE_HUB_TOKEN": "hf_legacy"}
    assert HubSettings.from_env(env=legacy).token == "hf_legacy"
    both = {**legacy, "HF_TOKEN": "hf_new"}
    assert HubSettings.from_env(env=both).token == "hf_new"
    assert HubSettings.from_env(env=both, token="hf_explicit").token == "hf_explicit"
    assert HubSettings.from_env(env=both, token=False).token is None


def test_token_path_variable(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "tok"
    elsewhere.parent.mkdir()
    elsewhere.write_text("hf_path")
    env = {"HF_HOME": str(tmp_path), "HF_TOKEN_PATH": str(elsewhere)}
    assert HubSettings.from_env(env=env).token == "hf_path"


def test_disable_implicit_token(tmp_path: Path) -> None:
    env = {"HF_HOME": str(tmp_path), "HF_TOKEN": "hf_env", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}
    assert HubSettings.from_env(env=env).token is None
    assert HubSettings.from_env(env=env, token=True).token == "hf_env"
    assert HubSettings.from_env(env=env, token="hf_x").token == "hf_x"


def test_token_true_requires_a_token(tmp_path: Path) -> None:
    with pytest.raises(LocalTokenNotFoundError):
        HubSettings.from_env(env={"HF_HOME": str(tmp_path)}, token=True)


def test_transformers_offline_and_xdg(tmp_path: Path) -> None:
    s = HubSettings.from_env(env={"TRANSFORMERS_OFFLINE": "yes", "XDG_CACHE_HOME": str(tmp_path)})
    assert s.offline is True
    assert s.hf_home == tmp_path / "huggingface"


def test_bad_endpoint_rejected() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        HubSettings.from_env(env={}, endpoint="ftp://example")


def test_client_reads_env_at_construction(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://first.local")
    monkeypatch.setenv("HF_TOKEN", "hf_first")
    first = AsyncHubClient()
    monkeypatch.setenv("HF_ENDPOINT", "http://second.local")
    second = AsyncHubClient()
    assert first.endpoint == "http://first.local"
    assert second.endpoint == "http://second.local"
    assert first.settings.token == "hf_first"


def test_client_overrides_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://env.local")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    client = AsyncHubClient(
        "http://arg.local",
        token="hf_arg",
        offline=False,
        cache_dir=tmp_path / "c",
        timeout=5,
        etag_timeout=1,
        max_retries=0,
        user_agent="myapp/1.0",
        headers={"X-Extra": "1"},
    )
    s = client.settings
    assert (s.endpoint, s.token, s.offline, s.hub_cache) == (
        "http://arg.local",
        "hf_arg",
        False,
        tmp_path / "c",
    )
    assert (s.timeout, s.etag_timeout, s.max_retries) == (5, 1, 0)
    assert s.user_agent.startswith("hubclient/")
    assert s.user_agent.endswith("; myapp/1.0")
    assert s.headers == {"X-Extra": "1"}


def test_infinite_timeout_means_no_limit() -> None:
    assert AsyncHubClient("http://a.local", timeout=float("inf")).settings.timeout is None


def test_with_options_copies_and_overrides() -> None:
    client = AsyncHubClient("http://a.local", token="hf_a", max_retries=3)
    fast = client.with_options(timeout=2, max_retries=0)
    anon = client.with_options(token=False)
    assert fast.settings.timeout == 2
    assert fast.settings.max_retries == 0
    assert fast.settings.token == "hf_a"
    assert client.settings.max_retries == 3
    assert client.settings.timeout == 60
    assert anon.settings.token is None
    assert fast._http._pool is client._http._pool  # one connection pool
    bigger = client.with_options(max_connections=7)
    assert bigger._http._pool is not client._http._pool


def test_settings_are_immutable() -> None:
    s = HubSettings.from_env(env={})
    with pytest.raises(ValueError, match="frozen"):
        s.endpoint = "http://x.local"  # type: ignore[misc]
