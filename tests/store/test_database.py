"""The store layer's database on both backends: statements, transactions, locks, migrations."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.errors import ConfigurationError
from connector_front.store import MIGRATIONS, LazyDatabase, migrate, open_database
from connector_front.store.database import parse_database
from connector_front.store.migrations import Migration


async def test_statements_and_returning(database_url: str) -> None:
    db = await open_database(database_url)
    try:
        await db.execute(
            "INSERT INTO connections (owner_id, operations, created_at) VALUES (?, ?, ?)",
            ("o1", "[]", 1.5),
        )
        assert await db.fetch("SELECT owner_id, created_at FROM connections") == [("o1", 1.5)]
        rows = await db.fetch(
            "INSERT INTO unified_events (owner_id, idempotency_key, model, body, recorded_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING seq",
            ("o1", "k", "genericContact", "{}", 1.0),
        )
        assert len(rows) == 1
    finally:
        await db.close()


async def test_a_failed_transaction_leaves_nothing(database_url: str) -> None:
    db = await open_database(database_url)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO connections (owner_id, operations, created_at) VALUES (?, ?, ?)",
                    ("o1", "[]", 1.0),
                )
                raise RuntimeError("abort")
        assert await db.fetch("SELECT owner_id FROM connections") == []
    finally:
        await db.close()


async def test_migrations_apply_once(database_url: str) -> None:
    first, second = await open_database(database_url), await open_database(database_url)
    try:
        versions = await second.fetch("SELECT version FROM schema_migrations ORDER BY version")
        assert [v for (v,) in versions] == [m.version for m in MIGRATIONS]
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize(
    "setting", ["mysql://db/x", ":memory:", "postgresql:/x", "sqlite://", "", "http://x/y"]
)
def test_a_database_setting_the_connector_cannot_use_is_refused(setting: str) -> None:
    with pytest.raises(ConfigurationError, match="database"):
        parse_database(setting)


@pytest.mark.parametrize(
    ("setting", "dialect"),
    [
        ("front.sqlite3", "sqlite"),
        ("sqlite:///front.sqlite3", "sqlite"),
        ("sqlite:////var/lib/front.sqlite3", "sqlite"),
        ("postgresql://app@db:5432/front", "postgresql"),
        ("postgres://app@db/front", "postgresql"),
    ],
)
def test_database_settings_name_their_backend(setting: str, dialect: str) -> None:
    assert parse_database(setting)[0] == dialect


async def test_a_lazy_database_opens_on_first_use(database_url: str) -> None:
    db = LazyDatabase(database_url)
    assert "unopened" in repr(db)
    try:
        assert await db.fetch("SELECT COUNT(*) FROM connections") == [(0,)]
    finally:
        await db.close()


def test_a_lazy_database_refuses_a_bad_setting_at_once() -> None:
    with pytest.raises(ConfigurationError, match="mysql"):
        LazyDatabase("mysql://db/front")


async def test_callers_arriving_together_share_one_opened_database(database_url: str) -> None:
    db = LazyDatabase(database_url)
    try:
        opened = await asyncio.gather(*(db.opened() for _ in range(20)))
        assert len({id(each) for each in opened}) == 1
    finally:
        await db.close()


def test_a_lazy_database_serves_one_event_loop_after_another(database_url: str) -> None:
    # A command or test may drive one connector through several asyncio.run calls.
    db = LazyDatabase(database_url)

    async def count() -> int:
        return int((await db.fetch("SELECT COUNT(*) FROM connections"))[0][0])

    assert asyncio.run(count()) == 0
    assert asyncio.run(count()) == 0
    asyncio.run(db.close())


def test_a_malformed_url_is_refused_without_echoing_its_password() -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_database("postgresql:app:s3cret-pw@db/front")
    assert "s3cret-pw" not in str(refused.value)
    assert "'postgresql:'" in str(refused.value)


async def test_a_migration_drops_a_column_only_where_present(database_url: str) -> None:
    """A database whose migrations were numbered otherwise (a branch merged later) may have
    lost the column already: dropping it again is no error."""
    db = await open_database(database_url)
    try:
        made = Migration(900, "a table", "CREATE TABLE t900 (a TEXT, b TEXT)")
        drop = Migration(901, "drop b", dropped=(("t900", "b"),))
        again = Migration(902, "drop b again", dropped=(("t900", "b"),))
        assert await migrate(db, (made, drop, again)) == [900, 901, 902]
        await db.execute("INSERT INTO t900 (a) VALUES ('kept')")
        assert await db.fetch("SELECT a FROM t900") == [("kept",)]
        with pytest.raises(Exception, match="b"):
            await db.fetch("SELECT b FROM t900")
    finally:
        await db.close()
