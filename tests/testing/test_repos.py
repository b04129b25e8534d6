"""Repo management and reads: create/delete/settings, info, listings, tree, paths-info, refs."""

from __future__ import annotations

import pytest

from hubclient.testing import ALICE_TOKEN, BOB_TOKEN, LocalHub

from ._helpers import HUB, client, git_sha1, sha256

pytestmark = pytest.mark.anyio


async def test_create_delete_and_conflicts(local_hub: LocalHub) -> None:
    async with client(local_hub, ALICE_TOKEN) as http:
        for repo_type, prefix in (("model", ""), ("dataset", "datasets/"), ("space", "spaces/")):
            body = {"name": "thing", "organization": None, "visibility": "private"}
            if repo_type != "model":
                body["type"] = repo_type
            created = await http.post(f"{HUB}/api/repos/create", json=body)
            assert created.json()["url"] == f"{HUB}/{prefix}alice/thing"
            again = await http.post(f"{HUB}/api/repos/create", json=body)
            assert again.status_code == 409
            assert again.json()["url"] == f"{HUB}/{prefix}alice/thing"
            info = (await http.get(f"{HUB}/api/{repo_type}s/alice/thing")).json()
            assert info["private"] is True
            assert [s["rfilename"] for s in info["siblings"]] == [".gitattributes"]
        space = (await http.get(f"{HUB}/api/spaces/alice/thing")).json()
        assert space["sdk"] == "gradio"
        bad = await http.post(f"{HUB}/api/repos/create", json={"name": "bad--name"})
        assert bad.status_code == 400
        gone = await http.request(
            "DELETE", f"{HUB}/api/repos/delete", json={"name": "thing", "type": "dataset"}
        )
        assert gone.status_code == 200
        missing = await http.request(
            "DELETE", f"{HUB}/api/repos/delete", json={"name": "thing", "type": "dataset"}
        )
        assert (missing.status_code, missing.headers["x-error-code"]) == (404, "RepoNotFound")
        # the model and the space of the same name are untouched
        assert (await http.get(f"{HUB}/api/models/alice/thing")).status_code == 200


async def test_settings(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/model", {"a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:
        url = f"{HUB}/api/models/alice/model/settings"
        assert (await http.put(url, json={"visibility": "private", "gated": "manual"})).is_success
        info = (await http.get(f"{HUB}/api/models/alice/model")).json()
        assert (info["private"], info["gated"]) == (True, "manual")
        assert (await http.put(url, json={"private": False, "gated": False})).is_success
        info = (await http.get(f"{HUB}/api/models/alice/model")).json()
        assert (info["private"], info["gated"]) == (False, False)


async def test_info_blobs_and_expand(local_hub: LocalHub) -> None:
    readme = b"---\nlicense: mit\ntags:\n- demo\nlibrary_name: mylib\n---\n# Hi\n"
    blob = b"\0" * 50
    sha = local_hub.seed_repo("alice/model", {"README.md": readme, "w.bin": blob})
    async with client(local_hub, ALICE_TOKEN) as http:
        info = (await http.get(f"{HUB}/api/models/alice/model", params={"blobs": "true"})).json()
        assert info["sha"] == sha
        assert info["id"] == info["modelId"] == "alice/model"
        assert info["lastModified"].endswith("Z")
        assert info["cardData"]["license"] == "mit"
        assert {"demo", "mylib", "license:mit"} <= set(info["tags"])
        siblings = {s["rfilename"]: s for s in info["siblings"]}
        assert siblings["README.md"]["blobId"] == git_sha1(readme)
        pointer = (
            f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256(blob)}\nsize 50\n"
        )
        assert siblings["w.bin"]["lfs"] == {
            "sha256": sha256(blob),
            "size": 50,
            "pointerSize": len(pointer),
        }
        assert siblings["w.bin"]["blobId"] == git_sha1(pointer.encode())
        assert siblings["w.bin"]["size"] == 50
        expanded = (
            await http.get(
                f"{HUB}/api/models/alice/model", params=[("expand", "sha"), ("expand", "private")]
            )
        ).json()
        assert set(expanded) == {"_id", "id", "sha", "private"}


async def test_listing_filters_and_sort(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/one", {"README.md": b"---\ntags: [vision]\n---\n"})
    local_hub.seed_repo("alice/two", {"README.md": b"---\ntags: [text]\n---\n"})
    local_hub.seed_repo("bob/one-more", {"a.txt": b"a"})
    local_hub.seed_repo("alice/data", {"d.csv": b"x"}, repo_type="dataset")
    async with client(local_hub, ALICE_TOKEN) as http:

        async def ids(**params: str) -> list[str]:
            answer = await http.get(f"{HUB}/api/models", params=params)
            return [m["id"] for m in answer.json()]

        assert await ids() == ["alice/one", "alice/two", "bob/one-more"]
        assert await ids(search="ONE") == ["alice/one", "bob/one-more"]
        assert await ids(author="alice") == ["alice/one", "alice/two"]
        assert await ids(filter="text") == ["alice/two"]
        assert (await ids(sort="lastModified"))[0] == "bob/one-more"
        slim = (await http.get(f"{HUB}/api/models", params={"search": "two"})).json()[0]
        assert "siblings" not in slim
        full = (
            await http.get(f"{HUB}/api/models", params={"search": "two", "full": "true"})
        ).json()
        assert full[0]["siblings"]
        datasets = (await http.get(f"{HUB}/api/datasets")).json()
        assert [d["id"] for d in datasets] == ["alice/data"]


async def test_tree_and_paths_info(local_hub: LocalHub) -> None:
    files = {"a/b/c.txt": b"c", "a/d.txt": b"d", "top.bin": b"\0top"}
    local_hub.seed_repo("alice/tree", files)
    async with client(local_hub, ALICE_TOKEN) as http:
        base = f"{HUB}/api/models/alice/tree"
        root = (await http.get(f"{base}/tree/main")).json()
        assert [(e["type"], e["path"]) for e in root] == [
            ("directory", "a"),
            ("file", ".gitattributes"),
            ("file", "top.bin"),
        ]
        every = (await http.get(f"{base}/tree/main", params={"recursive": "true"})).json()
        assert {e["path"] for e in every if e["type"] == "directory"} == {"a", "a/b"}
        sub = (await http.get(f"{base}/tree/main/a%2Fb")).json()
        assert [e["path"] for e in sub] == ["a/b/c.txt"]
        raw = (await http.get(f"{base}/tree/main/a/b")).json()
        assert raw == sub
        missing = await http.get(f"{base}/tree/main/nope")
        assert (missing.status_code, missing.headers["x-error-code"]) == (404, "EntryNotFound")
        top = next(e for e in root if e["path"] == "top.bin")
        assert top["lfs"]["oid"] == sha256(b"\0top")
        assert "xetHash" not in top
        form = await http.post(
            f"{base}/paths-info/main",
            content=b"paths=a%2Fd.txt&paths=a&paths=missing&expand=false",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert [(e["type"], e["path"]) for e in form.json()] == [
            ("file", "a/d.txt"),
            ("directory", "a"),
        ]
        assert form.json()[0]["oid"] == git_sha1(b"d")
        as_json = await http.post(
            f"{base}/paths-info/main", json={"paths": ["top.bin"], "expand": True}
        )
        assert as_json.json()[0]["lastCommit"]["title"] == "seed"


async def test_branches_tags_and_commits(local_hub: LocalHub) -> None:
    first = local_hub.seed_repo("alice/refs", {"a.txt": b"1"}, message="one")
    second = local_hub.seed_repo("alice/refs", {"a.txt": b"2"}, message="two")
    async with client(local_hub, ALICE_TOKEN) as http:
        base = f"{HUB}/api/models/alice/refs"
        assert (await http.post(f"{base}/branch/dev", json={"startingPoint": first})).is_success
        assert (await http.post(f"{base}/branch/dev", json={})).status_code == 409
        assert (
            await http.post(f"{base}/tag/{first[:8]}", json={"tag": "v1", "message": "m"})
        ).is_success
        assert (await http.post(f"{base}/tag/main", json={"tag": "v1"})).status_code == 409
        refs = (await http.get(f"{base}/refs")).json()
        assert {b["name"]: b["targetCommit"] for b in refs["branches"]} == {
            "dev": first,
            "main": second,
        }
        assert refs["tags"] == [{"name": "v1", "ref": "refs/tags/v1", "targetCommit": first}]
        assert refs["converts"] == []
        commits = (await http.get(f"{base}/commits/main", params={"expand[]": "formatted"})).json()
        assert [(c["id"], c["title"]) for c in commits] == [(second, "two"), (first, "one")]
        assert commits[0]["authors"][0]["user"] == "alice"
        assert commits[0]["formatted"]["title"] == "two"
        assert (await http.request("DELETE", f"{base}/branch/dev")).is_success
        assert (await http.request("DELETE", f"{base}/tag/v1")).is_success
        assert (await http.request("DELETE", f"{base}/tag/v1")).status_code == 404
        refs = (await http.get(f"{base}/refs")).json()
        assert ([b["name"] for b in refs["branches"]], refs["tags"]) == (["main"], [])


async def test_validate_yaml(local_hub: LocalHub) -> None:
    async with client(local_hub) as http:
        answer = await http.post(
            f"{HUB}/api/validate-yaml",
            json={"content": "---\nlicense: mit\n---\n", "repoType": "model"},
        )
    assert answer.json() == {"errors": [], "warnings": []}


async def test_disabled_repos(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/off", {"a.txt": b"a"})
    local_hub.update_repo("alice/off", disabled=True)
    async with client(local_hub, ALICE_TOKEN) as http:
        for url in (f"{HUB}/api/models/alice/off", f"{HUB}/alice/off/resolve/main/a.txt"):
            answer = await http.get(url)
            assert answer.status_code == 403
            assert answer.headers["x-error-message"] == "Access to this resource is disabled."
    with pytest.raises(KeyError):
        local_hub.update_repo("alice/none", private=True)


async def test_listing_card_data(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/card", {"README.md": b"---\nlicense: mit\n---\n"})
    async with client(local_hub, ALICE_TOKEN) as http:
        plain = (await http.get(f"{HUB}/api/models")).json()
        with_card = (await http.get(f"{HUB}/api/models", params={"cardData": "true"})).json()
    assert "cardData" not in plain[0]
    assert with_card[0]["cardData"] == {"license": "mit"}


async def test_super_squash_and_auth_check(local_hub: LocalHub) -> None:
    local_hub.seed_repo("alice/sq", {"a.txt": b"1"})
    local_hub.seed_repo("alice/sq", {"b.txt": b"2"})
    local_hub.seed_repo("alice/gated", {"a.txt": b"1"}, gated=True)
    async with client(local_hub, ALICE_TOKEN) as http:
        base = f"{HUB}/api/models/alice/sq"
        squashed = await http.post(f"{base}/super-squash/main", json={"message": "squashed"})
        assert squashed.status_code == 200
        commits = (await http.get(f"{base}/commits/main")).json()
        assert [c["title"] for c in commits] == ["squashed"]
        files = (await http.get(f"{base}/tree/main")).json()
        assert {e["path"] for e in files} == {".gitattributes", "a.txt", "b.txt"}
        assert (await http.get(f"{base}/auth-check")).status_code == 200
        assert (await http.get(f"{base}/auth-check/write")).status_code == 200
    async with client(local_hub, BOB_TOKEN) as bob:
        assert (await bob.get(f"{HUB}/api/models/alice/sq/auth-check")).status_code == 200
        assert (await bob.get(f"{HUB}/api/models/alice/sq/auth-check/write")).status_code == 403
        gated = await bob.get(f"{HUB}/api/models/alice/gated/auth-check")
        assert gated.headers["x-error-code"] == "GatedRepo"
        refused = await bob.post(f"{HUB}/api/models/alice/sq/super-squash/main", json={})
        assert refused.status_code == 403


async def test_space_runtime(local_hub: LocalHub) -> None:
    local_hub.spaces.plan(build_seconds=0, start_seconds=0)  # builds at once (see tests/spaces)
    local_hub.seed_repo("alice/app", {"app.py": b"print(1)"}, repo_type="space")
    async with client(local_hub, ALICE_TOKEN) as http:
        runtime = (await http.get(f"{HUB}/api/spaces/alice/app/runtime")).json()
        assert runtime["stage"] == "RUNNING"
        info = (await http.get(f"{HUB}/api/spaces/alice/app")).json()
        assert info["runtime"] == runtime
        assert (
            await http.get(f"{HUB}/spaces/alice/app/resolve/main/app.py")
        ).content == b"print(1)"


async def test_raw_revision_and_path_segments(local_hub: LocalHub) -> None:
    """huggingface.js puts the revision and the folder in raw: ``tree/refs/pr/1/sub/dir``."""
    local_hub.seed_repo("alice/js", {"sub/dir/a.txt": b"a"})
    async with client(local_hub, ALICE_TOKEN) as http:
        pr = await http.post(
            f"{HUB}/api/models/alice/js/commit/main?create_pr=1",
            content=b'{"key":"header","value":{"summary":"pr"}}\n'
            b'{"key":"file","value":{"path":"sub/dir/b.txt","content":"Yg==","encoding":"base64"}}',
        )
        assert pr.status_code == 200
        raw = (await http.get(f"{HUB}/api/models/alice/js/tree/refs/pr/1/sub/dir")).json()
        encoded = (await http.get(f"{HUB}/api/models/alice/js/tree/refs%2Fpr%2F1/sub%2Fdir")).json()
        assert raw == encoded
        assert [e["path"] for e in raw] == ["sub/dir/a.txt", "sub/dir/b.txt"]
        heads = await http.get(f"{HUB}/api/models/alice/js/revision/refs%2Fheads%2Fmain")
        assert heads.json()["id"] == "alice/js"
