"""A full listing is one operation: the connection's grants are read from the store once,
however many pages it has (counted as statements reaching the real SQLite database)."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from connector_front.errors import OperationNotGrantedError
from connector_front.store import Database
from connector_front.store.connections import ConnectionStore
from connector_front.store.database import Row
from tests.limits import loose

OWNER = "acme"
CONTACTS = loose(seed=False, extra_contacts=250)
pytestmark = pytest.mark.parametrize("sandbox_config", [CONTACTS], indirect=True)


class CountingDatabase:
    """The connector's own database, counting the statements that read the connections."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self.connection_reads = 0

    async def fetch(self, sql: str, args: tuple[Any, ...] = ()) -> list[Row]:
        if sql.lstrip().upper().startswith("SELECT") and "FROM connections" in sql:
            self.connection_reads += 1
        return await self._db.fetch(sql, args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def counting(connector: FrontConnector) -> CountingDatabase:
    """Route the connection store through a counter (every connection made after this)."""
    database = CountingDatabase(connector.database)
    connector.connections = ConnectionStore(database)  # type: ignore[arg-type]
    return database


def _connector(env: EmbeddedSandbox) -> FrontConnector:
    assert env.connector is not None
    return env.connector


async def test_every_page_of_a_listing_on_one_grant_read(embedded: EmbeddedSandbox) -> None:
    connector = _connector(embedded)
    database = counting(connector)
    contacts = connector.connection(OWNER).resources("genericContact")
    pages = [page async for page in contacts.pages(limit=40)]
    ids = [record.id for page in pages for record in page.data]
    assert len(pages) == 7 and len(ids) == len(set(ids)) == 250
    assert database.connection_reads == 1


async def test_a_listing_resumes_from_any_page_next(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    walk = contacts.pages(limit=100)
    first = await anext(walk)
    await walk.aclose()
    assert first.next is not None
    rest = [r.id async for page in contacts.pages(limit=100, cursor=first.next) for r in page.data]
    assert len(rest) == 150 and not {r.id for r in first.data} & set(rest)


async def test_one_page_per_call_reads_the_grants_once_per_call(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    database = counting(connector)
    contacts = connector.connection(OWNER).resources("genericContact")
    first = await contacts.list(limit=100)
    await contacts.list(limit=100, cursor=first.next)
    assert database.connection_reads == 2


async def test_a_sync_pass_reads_the_grants_as_often_for_three_pages_as_for_one(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    database = counting(connector)
    baseline = await connector.sync(OWNER, ["genericContact"])
    assert baseline.owners[0].models[0].pages == 3  # 250 contacts
    three_pages, database.connection_reads = database.connection_reads, 0
    embedded.server.state.reset(keep_tokens=True, config=loose(seed=False))
    await connect_owner(connector, "other", ["genericContact::events"])
    database.connection_reads = 0
    baseline = await connector.sync("other", ["genericContact"])
    assert baseline.owners[0].models[0].pages == 1  # no contacts
    assert database.connection_reads == three_pages


async def test_an_ungranted_listing_is_refused_before_any_page(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)
    connection = connector.connection("someone")
    await connection.create(["genericCompany::list"])
    with pytest.raises(OperationNotGrantedError):
        await anext(connection.resources("genericContact").pages())
