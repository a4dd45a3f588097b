"""One-time, expiring OAuth state values."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connector_front.auth import DatabaseStateStore, MemoryStateStore, OAuthStateError, StateStore
from connector_front.errors import InvalidInputError
from connector_front.store import LazyDatabase
from tests.clock import FakeClock


@pytest.fixture(params=["sqlite", "memory"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[StateStore]:
    if request.param == "memory":
        yield MemoryStateStore(ttl=600, clock=clock)
        return
    database = LazyDatabase(str(tmp_path / "s.sqlite3"))
    yield DatabaseStateStore(database, ttl=600, clock=clock)
    await database.close()


async def test_state_consumed_once(store: StateStore) -> None:
    state = await store.issue("owner-1")
    assert len(state) >= 32
    assert (await store.consume(state)).owner_id == "owner-1"
    with pytest.raises(OAuthStateError, match="already used"):
        await store.consume(state)


async def test_unknown_state_refused(store: StateStore) -> None:
    with pytest.raises(OAuthStateError, match="unknown") as caught:
        await store.consume("made-up")
    assert isinstance(caught.value, InvalidInputError)
    assert caught.value.fields == ["state"]


async def test_expired_state_refused(store: StateStore, clock: FakeClock) -> None:
    state = await store.issue("owner-1")
    clock.now += 601
    with pytest.raises(OAuthStateError, match="expired"):
        await store.consume(state)


async def test_sqlite_state_keeps_only_a_hash_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    database = LazyDatabase(str(path))
    state = await DatabaseStateStore(database).issue("owner-9")
    await database.close()
    assert state.encode() not in path.read_bytes()
    reopened = LazyDatabase(str(path))
    assert (await DatabaseStateStore(reopened).consume(state)).owner_id == "owner-9"
    await reopened.close()


async def test_a_state_can_be_passed_on_the_command_line(store: StateStore) -> None:
    """`connector-front connect --state STATE` takes a state only if it does not start with
    "-" (argparse reads that as an option). A URL-safe token starts so 1 time in 64."""
    states = [await store.issue("acme") for _ in range(300)]
    assert len(set(states)) == len(states)
    assert all(len(state) >= 43 and not state.startswith("-") for state in states)
    assert all(state.isalnum() for state in states)  # no quoting needed in a shell or URL


async def test_a_state_hands_back_its_verifier_and_pending_operations(store: StateStore) -> None:
    state = await store.issue("o", code_verifier="v" * 64, operations=["genericContact::list"])
    taken = await store.consume(state)
    assert taken.code_verifier == "v" * 64 and taken.operations == ("genericContact::list",)


async def test_a_bound_state_needs_its_binding_and_a_wrong_one_does_not_spend_it(
    store: StateStore,
) -> None:
    state = await store.issue("o", binding="browser-a")
    with pytest.raises(OAuthStateError, match="not come from the browser that started"):
        await store.consume(state, binding="browser-b")
    with pytest.raises(OAuthStateError, match="not come from the browser that started"):
        await store.consume(state)
    assert (await store.consume(state, binding="browser-a")).owner_id == "o"
    with pytest.raises(OAuthStateError, match="already used"):
        await store.consume(state, binding="browser-a")


async def test_an_unbound_state_takes_any_binding(store: StateStore) -> None:
    state = await store.issue("o")
    assert (await store.consume(state, binding="anything")).owner_id == "o"
