"""``import hubclient`` is lazy (PEP 562): every public name still resolves, to the same object
as its home module's, and ``hubclient --version`` imports none of the heavy dependencies."""

from __future__ import annotations

import subprocess
import sys

import pytest

import hubclient


def test_every_public_name_resolves() -> None:
    for name in hubclient.__all__:
        assert getattr(hubclient, name) is not None, name
    assert set(hubclient.__all__) <= set(dir(hubclient))
    assert len(set(hubclient.__all__)) == len(hubclient.__all__)
    # only the package's own names: no `from __future__ import annotations` leaking in
    assert "annotations" not in hubclient.__all__
    from hubclient._client import AsyncHubClient
    from hubclient.errors import HfHubHTTPError

    assert hubclient.AsyncHubClient is AsyncHubClient
    assert hubclient.HfHubHTTPError is HfHubHTTPError
    assert hubclient.errors.HfHubHTTPError is HfHubHTTPError  # a public submodule, on use


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        hubclient.no_such_name  # noqa: B018


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from hubclient.cli import main\n"
        "code = main(['--version'])\n"
        "heavy = ('httpx', 'pydantic', 'anyio', 'aiohttp', 'rich', 'hubclient._client')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"hubclient {hubclient.__version__}", "0 []"]
