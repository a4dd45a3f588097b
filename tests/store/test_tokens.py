"""The token store on both backends: versioned rows, compare-and-swap, encryption at rest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet

from connector_front.auth import DatabaseTokenStore, StaleTokensError, TokenCipher, TokenSet
from connector_front.errors import ConfigurationError
from connector_front.store import Database, open_database

ACCESS = "acc-SECRET-123"
REFRESH = "ref-SECRET-456"
KEY_1 = Fernet.generate_key().decode()
KEY_2 = Fernet.generate_key().decode()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await open_database(database_url)
    yield database
    await database.close()


async def raw_row(db: Database, owner: str) -> tuple[str, str | None, int]:
    rows = await db.fetch(
        "SELECT access_token, refresh_token, version FROM oauth_tokens WHERE owner_id = ?",
        (owner,),
    )
    access, refresh, version = rows[0]
    return access, refresh, int(version)


async def test_round_trip_survives_reopen(database_url: str) -> None:
    tokens = TokenSet(ACCESS, REFRESH, 123.5, "Bearer", "contacts:read", issued_at=100.0)
    first = await open_database(database_url)
    try:
        store = DatabaseTokenStore(first)
        assert await store.get("owner") is None
        await store.put("owner", tokens)
    finally:
        await first.close()
    second = await open_database(database_url)
    try:
        reopened = DatabaseTokenStore(second)
        stored = await reopened.read("owner")
        assert stored is not None and stored.tokens == tokens and stored.version == 1
        assert stored.tokens.issued_at == 100.0
        await reopened.delete("owner")
        assert await reopened.get("owner") is None
        assert ACCESS not in repr(reopened)
    finally:
        await second.close()


async def test_every_write_bumps_the_version_and_a_stale_one_is_refused(db: Database) -> None:
    store = DatabaseTokenStore(db)
    await store.put("o", TokenSet("a1", "r1"))
    await store.put("o", TokenSet("a2", "r2"))  # a new authorization replaces the grant
    read = await store.read("o")
    assert read is not None and read.version == 2
    assert await store.replace("o", TokenSet("a3", "r3"), version=2) == 3
    with pytest.raises(StaleTokensError, match="version 2"):
        await store.replace("o", TokenSet("lost", "lost"), version=2)
    assert await store.get("o") == TokenSet("a3", "r3")
    with pytest.raises(StaleTokensError):
        await store.replace("nobody", TokenSet("a", "r"), version=0)
    assert await store.get("nobody") is None


async def test_a_slot_reads_under_the_lock_and_writes_through_its_transaction(
    db: Database,
) -> None:
    store = DatabaseTokenStore(db)
    await store.put("o", TokenSet("a1", "r1"))
    async with store.refreshing("o") as slot:
        assert slot.current == TokenSet("a1", "r1")
        await slot.write(TokenSet("a2", "r2"))
    assert await raw_row(db, "o") == ("a2", "r2", 2)
    with pytest.raises(RuntimeError, match="boom"):
        async with store.refreshing("o") as slot:
            await slot.write(TokenSet("a3", "r3"))
            raise RuntimeError("boom")
    assert await raw_row(db, "o") == ("a2", "r2", 2)  # rolled back with the transaction
    async with store.refreshing("nobody") as slot:
        assert slot.current is None
        with pytest.raises(StaleTokensError):
            await slot.write(TokenSet("a", "r"))


async def test_two_processes_writing_keep_every_owner(database_url: str) -> None:
    first, second = await open_database(database_url), await open_database(database_url)
    try:
        stores = DatabaseTokenStore(first), DatabaseTokenStore(second)
        await asyncio.gather(
            *(stores[i % 2].put(f"o{i}", TokenSet(f"a{i}", f"r{i}", float(i))) for i in range(40))
        )
        got = await asyncio.gather(*(stores[0].get(f"o{i}") for i in range(40)))
        assert [t.access_token if t else None for t in got] == [f"a{i}" for i in range(40)]
        assert await stores[1].owners() == sorted(f"o{i}" for i in range(40))
    finally:
        await first.close()
        await second.close()


async def test_with_a_key_the_row_holds_no_token_value(db: Database) -> None:
    store = DatabaseTokenStore(db, cipher=TokenCipher([KEY_1]))
    await store.put("o", TokenSet(ACCESS, REFRESH, 50.0))
    access, refresh, _ = await raw_row(db, "o")
    assert ACCESS not in access and refresh and REFRESH not in refresh
    assert access.startswith("fernet:") and refresh.startswith("fernet:")
    assert await store.get("o") == TokenSet(ACCESS, REFRESH, 50.0)
    async with store.refreshing("o") as slot:  # refreshes write encrypted values too
        await slot.write(TokenSet("acc-NEW", "ref-NEW", 60.0))
    access, refresh, _ = await raw_row(db, "o")
    assert "acc-NEW" not in access and refresh and "ref-NEW" not in refresh


async def test_rows_from_before_the_key_still_read_and_are_encrypted_at_the_next_write(
    db: Database,
) -> None:
    await DatabaseTokenStore(db).put("o", TokenSet(ACCESS, REFRESH))
    assert (await raw_row(db, "o"))[:2] == (ACCESS, REFRESH)
    keyed = DatabaseTokenStore(db, cipher=TokenCipher([KEY_1]))
    assert await keyed.get("o") == TokenSet(ACCESS, REFRESH)
    assert await keyed.reseal("o")
    access, _, version = await raw_row(db, "o")
    assert access.startswith("fernet:") and version == 2
    assert await keyed.get("o") == TokenSet(ACCESS, REFRESH)


async def test_an_encrypted_row_without_its_key_is_a_configuration_error(db: Database) -> None:
    await DatabaseTokenStore(db, cipher=TokenCipher([KEY_1])).put("o", TokenSet(ACCESS, REFRESH))
    for cipher in (TokenCipher(), TokenCipher([KEY_2])):
        with pytest.raises(ConfigurationError, match="CONNECTOR_FRONT_ENCRYPTION_KEY") as caught:
            await DatabaseTokenStore(db, cipher=cipher).get("o")
        message = caught.value.message
        assert "owner 'o'" in message
        for secret in (ACCESS, REFRESH, KEY_1, KEY_2):
            assert secret not in message


async def test_rotation_reencrypts_with_the_first_key(db: Database) -> None:
    old = DatabaseTokenStore(db, cipher=TokenCipher([KEY_1]))
    await old.put("a", TokenSet("acc-a", "ref-a"))
    await old.put("b", TokenSet("acc-b", None))
    rotating = DatabaseTokenStore(db, cipher=TokenCipher([KEY_2, KEY_1]))
    assert await rotating.get("a") == TokenSet("acc-a", "ref-a")  # old key still decrypts
    assert [await rotating.reseal(owner) for owner in await rotating.owners()] == [True, True]
    assert not await rotating.reseal("nobody")
    new_only = DatabaseTokenStore(db, cipher=TokenCipher([KEY_2]))
    assert await new_only.get("a") == TokenSet("acc-a", "ref-a")
    assert await new_only.get("b") == TokenSet("acc-b", None)
    with pytest.raises(ConfigurationError):
        await old.get("a")  # the old key alone no longer opens them
