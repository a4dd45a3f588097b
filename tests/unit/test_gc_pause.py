"""Garbage collection is held off while a page of records is built, and left as it was found.
Pure logic over the real mappers and the interpreter's collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem, Unified
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.records import front_records
from connector_front.util.gc_pause import gc_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on for the test (as a host has it), then as it was."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_in_the_block_and_on_after(collector_on: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_on_again_after_an_error(collector_on: None) -> None:
    with pytest.raises(KeyError), gc_paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_a_host_that_turned_it_off_keeps_it_off(collector_on: None) -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_blocks_turn_it_on_once_at_the_outermost(collector_on: None) -> None:
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


class Watched(ContactMapper):
    """The contact mapper, noting whether a collection ran since the page began."""

    collections: ClassVar[list[int]] = []

    def to_unified(self, item: FrontItem) -> Unified:
        self.collections.append(COUNT[0])
        return super().to_unified(item)


COUNT = [0]


def _count(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        COUNT[0] += 1


def test_no_collection_runs_while_a_page_is_built(collector_on: None) -> None:
    """A page of 500 contacts allocates thousands of containers: the collector would run
    several times while they are all alive; it runs once, after."""
    fronts = [
        {
            "id": f"crd_{n}",
            "name": f"Ada Lovelace {n}",
            "handles": [{"source": "email", "handle": f"ada{n}@example.com"}],
            "custom_fields": {"Tier": "gold"},
            "created_at": 1700000000 + n,
            "updated_at": 1700000000.5 + n,
        }
        for n in range(500)
    ]
    items = [FrontItem(f) for f in fronts]
    Watched.collections.clear()
    gc.callbacks.append(_count)
    try:
        records = front_records(Watched(), items, FieldMapping())
    finally:
        gc.callbacks.remove(_count)
    assert len(records) == 500 and records[-1].fields["email"] == "ada499@example.com"
    assert Watched.collections[0] == Watched.collections[-1]  # none while the page was built
