"""TokenSet secrecy and the in-memory token store (the database one: tests/store)."""

from __future__ import annotations

import pytest

from connector_front.auth import MemoryTokenStore, StaleTokensError, TokenSet

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


async def test_memory_store() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet(ACCESS))
    assert (await store.get("o")) == TokenSet(ACCESS)
    await store.delete("o")
    await store.delete("o")
    assert await store.get("o") is None
    assert ACCESS not in repr(store)


async def test_memory_store_slot_refuses_a_write_over_a_newer_grant() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("a1", "r1"))
    async with store.refreshing("o") as slot:
        assert slot.current == TokenSet("a1", "r1")
        await store.put("o", TokenSet("a2", "r2"))  # a new authorization meanwhile
        with pytest.raises(StaleTokensError):
            await slot.write(TokenSet("a3", "r3"))
    assert await store.get("o") == TokenSet("a2", "r2")
