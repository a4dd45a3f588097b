"""Tokens encrypted at rest, end to end: the encryption_key setting, the host, the keys commands."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from connector_front.auth import DatabaseTokenStore, TokenCipher, TokenSet
from connector_front.cli import main
from connector_front.connector import FrontConnector
from connector_front.errors import ConfigurationError
from connector_front.settings import ConnectorSettings
from connector_front.store import LazyDatabase
from tests.conftest import HostFactory

KEY_1 = Fernet.generate_key().decode()
KEY_2 = Fernet.generate_key().decode()


def raw_tokens(path: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT access_token, refresh_token FROM oauth_tokens").fetchall()


def test_a_host_with_a_key_keeps_no_token_readable_in_its_database(
    make_host: HostFactory, tmp_path: Path
) -> None:
    with make_host(encryption_key=KEY_1) as host, host.client() as client:
        assert client.get("/resources/genericContact", params={"limit": 1}).status_code == 200
    rows = raw_tokens(tmp_path / "host.sqlite3")
    assert rows and all(
        a.startswith("fernet:") and (r or "").startswith("fernet:") for a, r in rows
    )
    api_calls = [e for e in host.sandbox_requests() if e["path"] == "/contacts"]
    assert api_calls and {e["status"] for e in api_calls} == {200}  # decrypted when sent


def test_without_a_key_the_connector_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    oauth: dict[str, Any] = {
        "client_id": "c",
        "client_secret": "s",
        "database": str(tmp_path / "c.sqlite3"),
    }
    with caplog.at_level(logging.WARNING, logger="connector_front"):
        FrontConnector(ConnectorSettings(**oauth))
    warnings = [r.getMessage() for r in caplog.records if "unencrypted" in r.getMessage()]
    assert len(warnings) == 1 and "CONNECTOR_FRONT_ENCRYPTION_KEY" in warnings[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="connector_front"):
        FrontConnector(ConnectorSettings(**oauth, encryption_key=KEY_1))
        FrontConnector(ConnectorSettings(api_token="t", database=oauth["database"]))
    assert not [r for r in caplog.records if "unencrypted" in r.getMessage()]


@pytest.mark.parametrize("value", ["not-a-key", f"{KEY_1},short"])
def test_an_invalid_key_is_refused_at_start_without_showing_it(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(env={"CONNECTOR_FRONT_ENCRYPTION_KEY": value})
    message = caught.value.message
    assert "CONNECTOR_FRONT_ENCRYPTION_KEY" in message and "keys new" in message
    assert "not-a-key" not in message and "short" not in message and KEY_1 not in message
    assert KEY_1 not in repr(ConnectorSettings(encryption_key=KEY_1))


def test_keys_new_prints_a_fresh_fernet_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "new"]) == 0
    assert main(["keys", "new"]) == 0
    first, second = capsys.readouterr().out.split()
    assert first != second
    Fernet(first)  # a usable key


def test_keys_rotate_reencrypts_every_token_with_the_first_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "c.sqlite3")

    async def write() -> None:
        db = LazyDatabase(database)
        store = DatabaseTokenStore(db, cipher=TokenCipher([KEY_1]))
        await store.put("a", TokenSet("acc-a", "ref-a"))
        await DatabaseTokenStore(db).put("b", TokenSet("acc-b", "ref-b"))  # written keyless
        await db.close()

    async def read(keys: list[str]) -> list[TokenSet | None]:
        db = LazyDatabase(database)
        try:
            store = DatabaseTokenStore(db, cipher=TokenCipher(keys))
            return [await store.get("a"), await store.get("b")]
        finally:
            await db.close()

    asyncio.run(write())
    monkeypatch.setenv("CONNECTOR_FRONT_DATABASE", database)
    monkeypatch.delenv("CONNECTOR_FRONT_ENCRYPTION_KEY", raising=False)
    assert main(["keys", "rotate"]) == 2  # a setting to fix: it did not start
    assert "CONNECTOR_FRONT_ENCRYPTION_KEY" in capsys.readouterr().err

    monkeypatch.setenv("CONNECTOR_FRONT_ENCRYPTION_KEY", f"{KEY_2}, {KEY_1}")
    assert main(["keys", "rotate"]) == 0
    assert json.loads(capsys.readouterr().out) == {"owners": 2, "reencrypted": 2}
    assert asyncio.run(read([KEY_2])) == [TokenSet("acc-a", "ref-a"), TokenSet("acc-b", "ref-b")]
    assert all(a.startswith("fernet:") for a, _ in raw_tokens(Path(database)))
    with pytest.raises(ConfigurationError):
        asyncio.run(read([KEY_1]))  # the old key can be dropped now
