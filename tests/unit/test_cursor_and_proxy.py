"""Cursors are signed and refuse foreign input; the proxy refuses paths outside Front's API."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from connector_front.cursor import CursorCodec, cursor_keys
from connector_front.errors import ConfigurationError, InvalidInputError
from connector_front.proxy.rules import check_proxy_path, forwardable_headers
from connector_front.settings import ConnectorSettings

CODEC = CursorCodec([b"current-key", b"old-key"])


def test_cursor_round_trip() -> None:
    url = "/contacts?page_token=abc&limit=10"
    cursor = CODEC.encode("genericContact", url)
    assert cursor is not None and "/" not in cursor
    assert CODEC.decode("genericContact", cursor) == url
    assert CODEC.encode("genericContact", None) is None
    assert CODEC.decode("genericContact", None) is None


def test_a_cursor_signed_with_an_older_key_still_decodes() -> None:
    old = CursorCodec([b"old-key"]).encode("genericContact", "/contacts?page_token=1")
    assert CODEC.decode("genericContact", old) == "/contacts?page_token=1"
    with pytest.raises(InvalidInputError):
        CursorCodec([b"another-key"]).decode("genericContact", old)


def _unsigned(payload: dict[str, str]) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        "e30",
        "bm9wZQ",
        "e30.AAAA",
        _unsigned({"m": "genericContact", "u": "/contacts?limit=100000"}),
    ],
)
def test_damaged_or_unsigned_cursor_is_a_400(cursor: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        CODEC.decode("genericContact", cursor)
    assert caught.value.fields == ["cursor"]
    assert caught.value.code == "invalid_cursor"


def test_a_changed_cursor_is_refused() -> None:
    cursor = CODEC.encode("genericContact", "/contacts?page_token=1&limit=10")
    assert cursor is not None
    signature = cursor.split(".")[1]
    forged = json.dumps({"m": "genericContact", "u": "/contacts?limit=100000"}).encode()
    changed = base64.urlsafe_b64encode(forged).decode().rstrip("=") + "." + signature
    with pytest.raises(InvalidInputError, match="not one this host issued"):
        CODEC.decode("genericContact", changed)


def test_cursor_of_another_model_is_refused() -> None:
    cursor = CODEC.encode("genericCompany", "https://x.frontapp.com/accounts?page_token=1")
    with pytest.raises(InvalidInputError, match="genericCompany listing"):
        CODEC.decode("genericContact", cursor)


def test_signing_keys_come_from_settings_then_a_key_file(tmp_path: Path) -> None:
    database = str(tmp_path / "data" / "db.sqlite3")
    assert cursor_keys(ConnectorSettings(database=database, cursor_key="c")) == (b"c",)
    with_host = ConnectorSettings(database=database, host_key="new, old")
    assert cursor_keys(with_host) == (b"new", b"old")
    first = cursor_keys(ConnectorSettings(database=database))
    again = cursor_keys(ConnectorSettings(database=database))
    assert first == again and len(first[0]) >= 32
    key_file = Path(database + ".cursor-key")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620], ids=lambda mode: f"{mode:04o}")
def test_a_key_file_other_users_may_read_or_write_is_refused(tmp_path: Path, mode: int) -> None:
    database = str(tmp_path / "db.sqlite3")
    key_file = Path(database + ".cursor-key")
    key_file.write_text("a-key-someone-else-may-know")
    os.chmod(key_file, mode)
    with pytest.raises(ConfigurationError) as refused:
        cursor_keys(ConnectorSettings(database=database))
    message = refused.value.message
    assert str(key_file) in message and f"mode {mode:04o}" in message
    assert "Delete the file" in message and "CONNECTOR_FRONT_CURSOR_KEY" in message
    assert "a-key-someone-else-may-know" not in message
    key_file.unlink()  # what the message says to do: a new owner-only key is written
    fresh = cursor_keys(ConnectorSettings(database=database))
    assert fresh != (b"a-key-someone-else-may-know",)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_an_sqlite_url_keeps_its_key_file_beside_the_file(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    cursor_keys(ConnectorSettings(database=f"sqlite:///{database}"))
    assert Path(f"{database}.cursor-key").exists()
    assert not Path("sqlite:").exists()


def test_a_postgresql_database_needs_a_configured_cursor_key() -> None:
    shared = ConnectorSettings(database="postgresql://app@db.internal/front")
    with pytest.raises(ConfigurationError, match="CONNECTOR_FRONT_CURSOR_KEY"):
        cursor_keys(shared)
    assert cursor_keys(shared.model_copy(update={"host_key": SecretStr("k")})) == (b"k",)


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/contacts",
        "//evil.example/x",
        "/contacts/../../etc",
        "/a/%2e%2e/b",
        "/contacts\x00x",
        "/contacts/%00",
        "/" + "a" * 3000,
    ],
)
def test_proxy_refuses_urls_traversal_and_control_characters(path: str) -> None:
    with pytest.raises(InvalidInputError):
        check_proxy_path(path)


def test_proxy_accepts_api_paths() -> None:
    assert check_proxy_path("contacts") == "/contacts"
    assert check_proxy_path("/contacts/alt:email:a@b.co") == "/contacts/alt:email:a@b.co"


def test_proxy_never_forwards_the_callers_authorization() -> None:
    headers = forwardable_headers({"Authorization": "Bearer x", "Content-Type": "application/json"})
    assert headers == {"content-type": "application/json"}
