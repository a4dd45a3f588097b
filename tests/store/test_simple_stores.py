"""The connection and OAuth state stores on both backends, shared by several workers."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.auth import DatabaseStateStore, OAuthStateError, PendingAuthorization
from connector_front.field_mapping.definitions import Definitions, FrontField
from connector_front.field_mapping.stored import DefinitionStore
from connector_front.store import Database
from connector_front.store.connections import ConnectionStore
from tests.clock import FakeClock


async def test_connections_round_trip_across_workers(
    worker_databases: tuple[Database, Database], clock: FakeClock
) -> None:
    created = clock.now
    mine, theirs = (
        ConnectionStore(worker_databases[0], clock=clock),
        ConnectionStore(worker_databases[1]),
    )
    await mine.put("acme", ["genericContact::list", "genericContact::create"])
    await theirs.set_company("acme", "cmp_1", "Acme Corp")
    await theirs.set_permissions("acme", {"missing": ["contacts:write"]})
    info = await mine.get("acme")
    assert info is not None
    assert info.operations == ("genericContact::list", "genericContact::create")
    assert (info.created_at, info.company_id, info.company_name) == (created, "cmp_1", "Acme Corp")
    assert info.permissions == {"missing": ["contacts:write"]}

    clock.now = created + 1_000
    again = await mine.put("acme", ["genericContact::list"])
    assert (again.company_id, again.company_name) == ("cmp_1", "Acme Corp")  # kept
    stored = await theirs.get("acme")
    assert stored is not None
    assert (stored.operations, stored.permissions) == (("genericContact::list",), None)

    clock.now = created + 500
    await mine.put("globex", [])
    assert [c.owner_id for c in await theirs.all()] == ["globex", "acme"]
    assert await theirs.delete("acme") is True
    assert await mine.delete("acme") is False
    assert await mine.get("acme") is None


async def test_a_state_is_consumed_once_by_one_of_two_workers(
    worker_databases: tuple[Database, Database],
) -> None:
    mine, theirs = DatabaseStateStore(worker_databases[0]), DatabaseStateStore(worker_databases[1])
    state = await mine.issue("acme", '{"page": "connect"}')
    assert await theirs.origin(state) == '{"page": "connect"}'
    outcomes = await asyncio.gather(
        *(store.consume(state) for store in [mine, theirs, mine, theirs]),
        return_exceptions=True,
    )
    taken = [o for o in outcomes if isinstance(o, PendingAuthorization)]
    assert [o.owner_id for o in taken] == ["acme"]
    refused = [o for o in outcomes if isinstance(o, OAuthStateError)]
    assert len(refused) == 3
    assert all(o.reason == "reused" for o in refused)


async def test_state_refusals_say_why(
    worker_databases: tuple[Database, Database], clock: FakeClock
) -> None:
    store = DatabaseStateStore(worker_databases[0], ttl=600, clock=clock)
    with pytest.raises(OAuthStateError, match="unknown"):
        await store.consume("made-up")
    state = await store.issue("acme")
    clock.now += 601
    with pytest.raises(OAuthStateError, match="expired"):
        await store.consume(state)
    rows = await worker_databases[1].fetch("SELECT state_hash, owner_id FROM oauth_states")
    assert rows and all(state not in str(row) for row in rows)  # only a hash is kept


async def test_a_state_keeps_its_verifier_and_pending_operations_for_another_worker(
    worker_databases: tuple[Database, Database],
) -> None:
    mine, theirs = DatabaseStateStore(worker_databases[0]), DatabaseStateStore(worker_databases[1])
    operations = ["genericContact::list", "genericCompany::list"]
    state = await mine.issue("acme", code_verifier="v" * 64, operations=operations)
    taken = await theirs.consume(state)
    assert taken == PendingAuthorization("acme", "v" * 64, tuple(operations))
    assert "v" * 64 not in repr(taken)
    plain = await theirs.consume(await mine.issue("acme"))
    assert plain.operations is None and plain.code_verifier is None


async def test_a_bound_state_is_taken_only_with_its_binding_and_stays_unused_without(
    worker_databases: tuple[Database, Database],
) -> None:
    mine, theirs = DatabaseStateStore(worker_databases[0]), DatabaseStateStore(worker_databases[1])
    state = await mine.issue("acme", binding="browser-a")
    for wrong in (None, "browser-b"):
        with pytest.raises(OAuthStateError, match="not come from the browser") as refused:
            await theirs.consume(state, binding=wrong)
        assert refused.value.reason == "browser"
    assert (await theirs.consume(state, binding="browser-a")).owner_id == "acme"
    rows = await worker_databases[1].fetch("SELECT binding_hash FROM oauth_states")
    assert rows and all("browser-a" not in str(row) for row in rows)  # only a hash is kept


async def test_a_field_mapping_is_kept_with_its_connection_across_workers(
    worker_databases: tuple[Database, Database],
) -> None:
    mine, theirs = ConnectionStore(worker_databases[0]), ConnectionStore(worker_databases[1])
    choices = {"ticketIssue": {"priority": {"id": "fld_1", "name": "Priority"}, "team": None}}
    assert await mine.set_field_mapping("acme", choices) is False  # no connection to keep it
    await mine.put("acme", ["ticketIssue::list"])
    assert await mine.set_field_mapping("acme", choices) is True
    info = await theirs.get("acme")
    assert info is not None and info.field_mapping == choices
    again = await theirs.put("acme", ["ticketIssue::list", "ticketIssue::update"])
    assert again.operations == ("ticketIssue::list", "ticketIssue::update")
    kept = await mine.get("acme")
    assert kept is not None and kept.field_mapping == choices  # new operations keep it


async def test_front_definitions_are_shared_by_workers_until_stale(
    worker_databases: tuple[Database, Database], clock: FakeClock
) -> None:
    mine = DefinitionStore(worker_databases[0], ttl=300, clock=clock)
    theirs = DefinitionStore(worker_databases[1], ttl=300, clock=clock)
    read = Definitions((FrontField("fld_1", "Priority", "enum", ("Low", "High")),), clock.now)
    await mine.keep("acme", "ticketIssue", read)
    assert await theirs.fresh("acme", "ticketIssue") == read  # read by the other worker
    assert await theirs.fresh("acme", "genericContact") is None
    clock.now += 301
    assert await theirs.fresh("acme", "ticketIssue") is None  # stale: read Front again
    assert await theirs.last("acme") == {"ticketIssue": read}  # still there for the status
    failed = Definitions.failed("insufficient_permission: custom_fields:read", clock.now)
    await theirs.keep("acme", "ticketIssue", failed)
    assert await mine.fresh("acme", "ticketIssue") == failed  # a failure is kept too
    await mine.forget("acme")
    assert await theirs.last("acme") == {} and await mine.fresh("acme", "ticketIssue") is None
