"""Response models: wire aliases, datetimes, unknown fields kept and never failing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubclient import (
    GitCommitInfo,
    GitRefs,
    ModelInfo,
    RepoFile,
    RepoFolder,
    RepoUrl,
    SpaceInfo,
    WhoAmI,
)


def test_model_info_aliases_and_unknown_fields() -> None:
    info = ModelInfo.model_validate(
        {
            "_id": "abc",
            "id": "acme/m",
            "modelId": "acme/m",
            "sha": "a" * 40,
            "lastModified": "2024-05-01T10:00:00.000Z",
            "createdAt": "2023-01-01T00:00:00Z",
            "cardData": {"license": "mit", "language": ["en"]},
            "library_name": "transformers",
            "pipeline_tag": "text-generation",
            "model-index": [{"name": "x"}],
            "usedStorage": 123,
            "gated": "auto",
            "siblings": [{"rfilename": "a.bin", "size": 3, "blobId": "b" * 40}],
            "brandNewField": {"nested": True},
        }
    )
    assert info.last_modified == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    assert info.created_at is not None
    assert info.created_at.year == 2023
    assert info.card_data is not None
    assert info.card_data.get("license") == "mit"
    assert info.card_data["language"] == ["en"]
    assert "license" in info.card_data
    assert info.library_name == "transformers"
    assert info.pipeline_tag == "text-generation"
    assert info.model_index == [{"name": "x"}]
    assert info.used_storage == 123
    assert info.gated == "auto"
    assert info.siblings is not None
    assert info.siblings[0].blob_id == "b" * 40
    assert info.brandNewField == {"nested": True}  # type: ignore[attr-defined]
    wire = info.to_dict()
    assert wire["lastModified"].startswith("2024-05-01T10:00:00")
    assert wire["brandNewField"] == {"nested": True}
    assert wire["model-index"] == [{"name": "x"}]


def test_attribute_names_also_accepted() -> None:
    info = ModelInfo(id="a/b", last_modified=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert info.last_modified is not None


def test_minimal_and_reduced_payloads() -> None:
    info = ModelInfo.model_validate({"id": "a/b"})
    assert info.sha is None
    assert info.siblings is None
    assert info.downloads is None
    with pytest.raises(ValueError, match="id"):
        ModelInfo.model_validate({"sha": "x"})


def test_tree_entries() -> None:
    f = RepoFile.model_validate(
        {
            "type": "file",
            "oid": "c" * 40,
            "size": 10,
            "path": "w.bin",
            "lfs": {"oid": "d" * 64, "size": 10, "pointerSize": 130},
            "lastCommit": {"id": "e" * 40, "title": "t", "date": "2024-01-01T00:00:00Z"},
            "securityFileStatus": {"status": "safe", "avScan": {}, "pickleImportScan": None},
        }
    )
    assert f.blob_id == "c" * 40
    assert f.rfilename == "w.bin"
    assert f.lfs is not None
    assert f.lfs.sha256 == "d" * 64
    assert f.lfs.pointer_size == 130
    assert f.last_commit is not None
    assert f.last_commit.oid == "e" * 40
    assert f.security is not None
    assert f.security.safe is True
    folder = RepoFolder.model_validate({"type": "directory", "oid": "f" * 40, "path": "sub"})
    assert folder.tree_id == "f" * 40


def test_commits_and_refs() -> None:
    c = GitCommitInfo.model_validate(
        {
            "id": "a" * 40,
            "title": "t",
            "message": "m",
            "date": "2024-01-01T00:00:00Z",
            "authors": [{"user": "alice", "avatar": "x"}, {"user": "bob"}],
            "formatted": {"title": "<b>t</b>", "message": "<p>m</p>"},
        }
    )
    assert c.commit_id == "a" * 40
    assert c.authors == ["alice", "bob"]
    assert c.formatted_title == "<b>t</b>"
    assert c.formatted_message == "<p>m</p>"
    refs = GitRefs.model_validate(
        {
            "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": "a" * 40}],
            "converts": [],
            "tags": [],
        }
    )
    assert refs.branches[0].target_commit == "a" * 40
    assert refs.pull_requests is None


def test_space_runtime() -> None:
    space = SpaceInfo.model_validate(
        {
            "id": "a/s",
            "sdk": "gradio",
            "runtime": {
                "stage": "RUNNING",
                "hardware": {"current": "cpu-basic", "requested": "t4"},
                "gcTimeout": 3600,
            },
        }
    )
    assert space.runtime is not None
    assert (space.runtime.stage, space.runtime.hardware, space.runtime.requested_hardware) == (
        "RUNNING",
        "cpu-basic",
        "t4",
    )
    assert space.runtime.sleep_time == 3600


def test_whoami_dict_access() -> None:
    me = WhoAmI.model_validate(
        {
            "type": "user",
            "name": "alice",
            "orgs": [{"name": "acme", "roleInOrg": "admin"}],
            "auth": {"type": "access_token", "accessToken": {"displayName": "t", "role": "read"}},
            "periodEnd": None,
        }
    )
    assert me["name"] == "alice"
    assert me.get("missing", 1) == 1
    assert me.orgs[0].role_in_org == "admin"
    assert me.auth.access_token is not None
    assert me.auth.access_token.role == "read"


@pytest.mark.parametrize(
    ("url", "endpoint", "repo_type", "repo_id"),
    [
        ("http://h.local/a/b", "http://h.local", "model", "a/b"),
        ("http://h.local/datasets/a/b", "http://h.local/", "dataset", "a/b"),
        ("http://h.local/hf/spaces/a/b", "http://h.local/hf", "space", "a/b"),
        ("https://huggingface.co/a/b", "http://h.local", "model", "a/b"),
    ],
)
def test_repo_url(url: str, endpoint: str, repo_type: str, repo_id: str) -> None:
    parsed = RepoUrl.parse(url, endpoint=endpoint)
    assert (parsed.repo_type, parsed.repo_id, str(parsed)) == (repo_type, repo_id, url)
    assert parsed.namespace == repo_id.split("/")[0]


def test_repo_url_rejects_other_hosts() -> None:
    with pytest.raises(ValueError, match="not a repo URL"):
        RepoUrl.parse("http://evil.local/a/b", endpoint="http://h.local")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
_declared = (
    set(ModelInfo.model_fields)
    | {f.alias for f in ModelInfo.model_fields.values() if f.alias}
    | {"model-index", "modelIndex", "_id"}
)


@given(
    extra=st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda k: k not in _declared),
        _json_values,
        max_size=6,
    )
)
def test_unknown_fields_never_fail(extra: dict[str, object]) -> None:
    """Whatever new keys the Hub adds tomorrow, parsing succeeds and keeps them."""
    payload = {"id": "acme/m", "sha": "a" * 40, **extra}
    info = ModelInfo.model_validate(payload)
    assert info.id == "acme/m"
    assert info.model_extra == extra
