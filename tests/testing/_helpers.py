"""Helpers of the local Hub's own tests: raw httpx clients and request bodies."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx

from hubclient.testing import LocalHub

HUB = "http://hub.local"
STORAGE = "http://storage.local"


def client(hub: LocalHub, token: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
    """A raw httpx client on the in-process hub (no base URL: tests spell out full URLs)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=hub.async_transport(), headers=headers, **kwargs)


def ndjson(summary: str, *operations: tuple[str, dict[str, Any]], **header: Any) -> bytes:
    """An NDJSON commit body the way huggingface_hub writes it (spaced JSON, trailing newline)."""
    lines = [{"key": "header", "value": {"summary": summary, "description": "", **header}}]
    lines += [{"key": key, "value": value} for key, value in operations]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def file_op(path: str, content: bytes) -> tuple[str, dict[str, Any]]:
    return "file", {
        "path": path,
        "content": base64.b64encode(content).decode(),
        "encoding": "base64",
    }


def lfs_op(path: str, content: bytes, *, size: bool = True) -> tuple[str, dict[str, Any]]:
    value: dict[str, Any] = {"path": path, "algo": "sha256", "oid": sha256(content)}
    if size:
        value["size"] = len(content)
    return "lfsFile", value


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def git_sha1(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


async def commit(
    http: httpx.AsyncClient,
    repo_id: str,
    body: bytes,
    *,
    revision: str = "main",
    repo_type: str = "models",
    create_pr: bool = False,
) -> httpx.Response:
    url = f"{HUB}/api/{repo_type}/{repo_id}/commit/{revision}"
    return await http.post(
        url,
        content=body,
        params={"create_pr": "1"} if create_pr else None,
        headers={"content-type": "application/x-ndjson"},
    )


async def upload_lfs(http: httpx.AsyncClient, repo_id: str, content: bytes) -> dict[str, Any]:
    """Batch + basic or multipart PUTs + completion + verify; returns the batch object answer."""
    answer = await http.post(
        f"{HUB}/{repo_id}.git/info/lfs/objects/batch",
        json={
            "operation": "upload",
            "transfers": ["basic", "multipart"],
            "objects": [{"oid": sha256(content), "size": len(content)}],
            "hash_algo": "sha256",
        },
    )
    answer.raise_for_status()
    obj: dict[str, Any] = answer.json()["objects"][0]
    actions = obj.get("actions")
    if not actions:
        return obj
    upload = actions["upload"]
    header = upload.get("header") or {}
    async with httpx.AsyncClient(transport=http._transport) as anon:
        if "chunk_size" in header:
            chunk = int(header["chunk_size"])
            parts = sorted((k for k in header if k.isdigit()), key=int)
            etags = []
            for i, key in enumerate(parts):
                put = await anon.put(header[key], content=content[i * chunk : (i + 1) * chunk])
                put.raise_for_status()
                etags.append({"partNumber": int(key), "etag": put.headers["etag"]})
            done = await anon.post(upload["href"], json={"oid": sha256(content), "parts": etags})
            done.raise_for_status()
        else:
            (await anon.put(upload["href"], content=content)).raise_for_status()
    verify = await http.post(
        actions["verify"]["href"], json={"oid": sha256(content), "size": len(content)}
    )
    verify.raise_for_status()
    return obj
