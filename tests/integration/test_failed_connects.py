"""A connect that fails leaves nothing behind: no connection whose token is ``missing``, and an
existing connection as it was. A configuration the operator can fix answers 503, not 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connector_front.cli import main
from connector_front.errors import ConfigurationError
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.settings import ConnectorSettings

OPERATIONS = ["genericContact::list"]


def test_connect_without_a_client_id_creates_no_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("FRONT_API_TOKEN", "FRONT_CLIENT_ID", "FRONT_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", str(tmp_path / "front.sqlite3"))
    assert main(["connect", "acme", "--operations", *OPERATIONS]) == 2
    err = capsys.readouterr().err
    assert "FRONT_CLIENT_ID" in err and "FRONT_API_TOKEN" in err
    assert main(["connections"]) == 0
    assert json.loads(capsys.readouterr().out)["data"] == []


@pytest.fixture
def unconfigured_host(tmp_path: Path) -> Iterator[str]:
    """A host built (as a host author might) from settings with neither an OAuth app nor an
    API token."""
    settings = ConnectorSettings(database=str(tmp_path / "host.sqlite3"))
    with BackgroundServer(create_app(load_connector("front", settings))) as server:
        yield server.url


def test_a_failing_post_connections_leaves_no_connection(unconfigured_host: str) -> None:
    with httpx.Client(base_url=unconfigured_host, timeout=30) as http:
        created = http.post("/connections/acme", json={"operations": OPERATIONS})
        assert created.status_code == 503, created.text
        error = created.json()["error"]
        assert error["code"] == "configuration_error"
        assert "FRONT_CLIENT_ID" in error["message"]
        assert http.get("/connections/acme").status_code == 404


async def test_a_failing_authorization_keeps_the_connection_as_it_was(tmp_path: Path) -> None:
    """Re-connecting with other operations fails at its authorization: the old ones stay."""
    settings = ConnectorSettings(database=str(tmp_path / "front.sqlite3"), api_token="t")
    connector = load_connector("front", settings)
    try:
        await connector.connection("acme").create(OPERATIONS)
        oauth = load_connector("front", settings.model_copy(update={"api_token": None}))
        with pytest.raises(ConfigurationError, match="FRONT_CLIENT_ID"):
            await oauth.connection("acme").create_and_authorize(["genericContact::create"])
        await oauth.aclose()
        status = await connector.connection("acme").status()
        assert status is not None and status["operations"] == OPERATIONS
    finally:
        await connector.aclose()
