"""TokenSet secrecy and the token stores."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from connector_front.auth import MemoryTokenStore, SQLiteTokenStore, TokenSet

ACCESS = "acc-SECRET-123"
REFRESH = "ref-SECRET-456"


def test_token_set_repr_and_str_hide_token_values() -> None:
    tokens = TokenSet(access_token=ACCESS, refresh_token=REFRESH, expires_at=10.0, scope="a b")
    for shown in (repr(tokens), str(tokens), f"{tokens}", repr([tokens])):
        assert ACCESS not in shown
        assert REFRESH not in shown
    assert "expires_at=10.0" in repr(tokens)


def test_from_response_computes_expiry_and_keeps_old_refresh_token() -> None:
    body = {"access_token": ACCESS, "expires_in": 30, "token_type": "bearer"}
    tokens = TokenSet.from_response(body, now=1000.0, refresh_token=REFRESH)
    assert tokens.expires_at == 1030.0
    assert tokens.refresh_token == REFRESH
    assert tokens.token_type == "bearer"
    rotated = TokenSet.from_response(
        {"access_token": ACCESS, "refresh_token": "new"}, refresh_token=REFRESH
    )
    assert rotated.refresh_token == "new"
    assert rotated.expires_at is None


def test_from_response_needs_an_access_token() -> None:
    with pytest.raises(ValueError, match="access_token"):
        TokenSet.from_response({"refresh_token": REFRESH})


def test_expires_within() -> None:
    tokens = TokenSet(access_token=ACCESS, expires_at=100.0)
    assert tokens.expires_within(60, now=50.0)
    assert not tokens.expires_within(60, now=39.0)
    assert not TokenSet(access_token=ACCESS).expires_within(1e9, now=0.0)


async def test_sqlite_store_round_trip_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sqlite3"
    store = SQLiteTokenStore(path)
    tokens = TokenSet(ACCESS, REFRESH, 123.5, "Bearer", "contacts:read")
    assert await store.get("owner") is None
    await store.put("owner", tokens)
    store.close()
    reopened = SQLiteTokenStore(path)
    assert await reopened.get("owner") == tokens
    await reopened.delete("owner")
    assert await reopened.get("owner") is None
    assert ACCESS not in repr(reopened)


async def test_sqlite_store_concurrent_writers_keep_every_owner(tmp_path: Path) -> None:
    store = SQLiteTokenStore(tmp_path / "t.sqlite3")
    other = SQLiteTokenStore(tmp_path / "t.sqlite3")  # a second connection to the same file

    async def write(i: int) -> None:
        target = store if i % 2 else other
        await target.put(f"o{i}", TokenSet(f"a{i}", f"r{i}", float(i)))

    await asyncio.gather(*(write(i) for i in range(50)))
    got = await asyncio.gather(*(store.get(f"o{i}") for i in range(50)))
    assert [t.access_token if t else None for t in got] == [f"a{i}" for i in range(50)]
    with sqlite3.connect(tmp_path / "t.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM oauth_tokens").fetchone()[0] == 50


async def test_memory_store() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet(ACCESS))
    assert (await store.get("o")) == TokenSet(ACCESS)
    await store.delete("o")
    await store.delete("o")
    assert await store.get("o") is None
    assert ACCESS not in repr(store)
