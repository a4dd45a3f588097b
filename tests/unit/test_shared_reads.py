"""SharedReads: one read per key for the deliveries of a batch, whoever stops waiting."""

from __future__ import annotations

import asyncio

import pytest

from connector_front.events.builder import SharedReads
from connector_front.models.record import Record

KEY = ("demo", "ticketIssue", "cnv_1")


def _record() -> Record:
    return Record(model="ticketIssue", id="cnv_1", fields={})


async def test_callers_of_one_key_share_one_read() -> None:
    reads, calls = SharedReads(), []
    release = asyncio.Event()

    async def fetch() -> Record | None:
        calls.append(1)
        await release.wait()
        return _record()

    waiting = [asyncio.create_task(reads.read(KEY, fetch)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    got = await asyncio.gather(*waiting)
    assert len(calls) == 1 and got[0] is got[1] is got[2]
    other = await reads.read(("demo", "ticketIssue", "cnv_2"), fetch)
    assert len(calls) == 2 and other is not got[0]


async def test_a_caller_that_stops_waiting_leaves_the_read_to_the_others() -> None:
    reads = SharedReads()
    release = asyncio.Event()

    async def fetch() -> Record | None:
        await release.wait()
        return _record()

    first = asyncio.create_task(reads.read(KEY, fetch))
    second = asyncio.create_task(reads.read(KEY, fetch))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert (await second).id == "cnv_1"
    assert first.cancelled()


async def test_a_failed_read_fails_every_caller() -> None:
    reads = SharedReads()

    async def fetch() -> Record | None:
        raise RuntimeError("the store is gone")

    for _ in range(2):
        with pytest.raises(RuntimeError, match="the store is gone"):
            await reads.read(KEY, fetch)
