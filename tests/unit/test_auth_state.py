"""One-time, expiring OAuth state values."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector_front.auth import MemoryStateStore, OAuthStateError, SQLiteStateStore, StateStore
from connector_front.errors import InvalidInputError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _stores(tmp_path: Path, clock: Clock) -> list[StateStore]:
    return [
        SQLiteStateStore(tmp_path / "s.sqlite3", ttl=600, clock=clock),
        MemoryStateStore(ttl=600, clock=clock),
    ]


@pytest.mark.parametrize("kind", [0, 1], ids=["sqlite", "memory"])
async def test_state_consumed_once(tmp_path: Path, kind: int) -> None:
    store = _stores(tmp_path, Clock())[kind]
    state = await store.issue("owner-1")
    assert len(state) >= 32
    assert await store.consume(state) == "owner-1"
    with pytest.raises(OAuthStateError, match="already used"):
        await store.consume(state)


@pytest.mark.parametrize("kind", [0, 1], ids=["sqlite", "memory"])
async def test_unknown_state_refused(tmp_path: Path, kind: int) -> None:
    store = _stores(tmp_path, Clock())[kind]
    with pytest.raises(OAuthStateError, match="unknown") as caught:
        await store.consume("made-up")
    assert isinstance(caught.value, InvalidInputError)
    assert caught.value.fields == ["state"]


@pytest.mark.parametrize("kind", [0, 1], ids=["sqlite", "memory"])
async def test_expired_state_refused(tmp_path: Path, kind: int) -> None:
    clock = Clock()
    store = _stores(tmp_path, clock)[kind]
    state = await store.issue("owner-1")
    clock.now += 601
    with pytest.raises(OAuthStateError, match="expired"):
        await store.consume(state)


async def test_sqlite_state_keeps_only_a_hash_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = SQLiteStateStore(path)
    state = await store.issue("owner-9")
    store.close()
    assert state.encode() not in path.read_bytes()
    assert await SQLiteStateStore(path).consume(state) == "owner-9"
