"""Sync passes killed at seeded random points, then restarted: each event is emitted once.

A kill point is the n-th moment the pass reports progress or sends a Front request; the pass
dies there (an exception nothing catches, or its task cancelled), and a new connector on the
same SQLite file (a restarted process) takes over. Once, a real ``connector-front sync``
process is SIGKILLed mid-pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import connect_owner
from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.sync import SyncEngine
from connector_front.sync.lease import LEASE_TTL

from .sync_world import EVENT_MODELS, OWNER, SyncWorld, logged, make_changes, once_each

CLI = Path(sys.executable).parent / "connector-front"


class Killed(BaseException):
    """Stands for the process dying: nothing after the raise runs, no handler catches it."""


class KillPoint:
    """Counts the pass's moments (progress and requests) and stops it at the ``at``-th."""

    def __init__(self, at: int, *, cancel: asyncio.Task[Any] | None = None) -> None:
        self.left = at
        self.task = cancel
        self.fired = False

    def tick(self, *_: object) -> None:
        self.left -= 1
        if self.left != 0:
            return
        self.fired = True
        if self.task is None:
            raise Killed
        self.task.cancel()


@pytest.fixture
async def world(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[SyncWorld]:
    yield SyncWorld(sandbox, tmp_path)


async def killed_pass(world: SyncWorld, at: int, *, cancel: bool) -> bool:
    """One pass of a fresh subject process, stopped at moment ``at``; True if it was."""
    subject = world.connector("subject.sqlite3")
    try:
        if cancel:
            point = KillPoint(at)

            async def run() -> None:
                await subject.sync(OWNER, EVENT_MODELS, progress=point.tick)

            running = asyncio.ensure_future(run())
            point.task = running
            subject.clients.get(OWNER).on_request = point.tick
            try:
                await running
            except asyncio.CancelledError:
                assert point.fired
            return point.fired
        point = KillPoint(at)
        subject.clients.get(OWNER).on_request = point.tick
        with contextlib.suppress(Killed):
            await subject.sync(OWNER, EVENT_MODELS, progress=point.tick)
        return point.fired
    finally:
        await subject.aclose()


@pytest.mark.parametrize("seed", [21, 22, 23])
async def test_passes_killed_at_random_points_emit_each_event_once(
    world: SyncWorld, sandbox: SandboxServer, seed: int
) -> None:
    rng = random.Random(seed)
    control = await world.connected("control.sqlite3")
    subject = await world.connected("subject.sqlite3")
    await control.sync(OWNER, EVENT_MODELS)
    await subject.sync(OWNER, EVENT_MODELS)
    await subject.aclose()
    kills = 0
    for round_ in range(3):
        await make_changes(control, sandbox, seed * 10 + round_)
        counter = KillPoint(-1)  # counts the moments of the control's pass, never fires
        control.clients.get(OWNER).on_request = counter.tick
        assert not (await control.sync(OWNER, EVENT_MODELS, progress=counter.tick)).failed
        moments = -1 - counter.left
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(1, moments)
            kills += await killed_pass(world, at, cancel=rng.random() < 0.5)
        restarted = world.connector("subject.sqlite3")
        assert not (await restarted.sync(OWNER, EVENT_MODELS)).failed
        expected = await logged(control)
        assert await logged(restarted) == expected and once_each(expected), round_
        await restarted.aclose()
    assert kills >= 3  # the seeds do kill passes, not only let them finish
    await control.aclose()


async def test_a_sigkilled_sync_process_then_a_restart_emits_each_event_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRONT_", "CONNECTOR_FRONT_"))}
    env.update(
        {
            "FRONT_API_BASE": sandbox.url,
            "FRONT_AUTHORIZE_URL": f"{sandbox.url}/oauth/authorize",
            "FRONT_TOKEN_URL": f"{sandbox.url}/oauth/token",
            "FRONT_CLIENT_ID": sandbox.config.client_id,
            "FRONT_CLIENT_SECRET": sandbox.config.client_secret,
            "CONNECTOR_FRONT_CURSOR_KEY": "reliability-cursor-key",
            "CONNECTOR_FRONT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        }
    )
    world = SyncWorld(sandbox, tmp_path)
    control = await world.connected("control.sqlite3")

    def subject_settings() -> ConnectorSettings:
        database = {"CONNECTOR_FRONT_DATABASE": str(tmp_path / "subject.sqlite3")}
        return ConnectorSettings.load(env={**env, **database})

    subject = FrontConnector(subject_settings())
    await connect_owner(subject, OWNER)
    await control.sync(OWNER, EVENT_MODELS)
    await subject.sync(OWNER, EVENT_MODELS)
    await subject.aclose()
    await make_changes(control, sandbox, 31)
    await control.sync(OWNER, EVENT_MODELS)

    # every Front answer takes a while, so the process is surely mid-pass when it dies
    sandbox.state.add_fault(method="GET", path="/*", kind="slow", delay=0.2, count=1000)
    seen_before = len(sandbox.state.journal.entries)
    process = await asyncio.create_subprocess_exec(
        str(CLI),
        "sync",
        "--owner",
        OWNER,
        env={**env, "CONNECTOR_FRONT_DATABASE": str(tmp_path / "subject.sqlite3")},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    kill_after = random.Random(32).randint(3, 12)  # Front requests into the pass
    deadline = time.monotonic() + 60
    while process.returncode is None and time.monotonic() < deadline:
        if requests_since(sandbox, seen_before) >= kill_after:
            break
        await asyncio.sleep(0.02)
    assert process.returncode is None, "the pass ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(process.wait(), 30) == -signal.SIGKILL
    sandbox.state.clear_faults()

    restarted = FrontConnector(subject_settings())
    report = await restarted.sync(OWNER, EVENT_MODELS)
    assert report.owners[0].skipped  # the dead process's lease holds until it expires
    written = await logged(restarted)  # what the killed process got into the log
    expected = await logged(control)
    assert once_each(written) and set(written) < set(expected)

    def later() -> float:  # the restart comes once the dead holder's lease has expired
        return time.time() + LEASE_TTL + 1

    restarted.syncer = SyncEngine(restarted, restarted.database, clock=later)
    report = await restarted.sync(OWNER, EVENT_MODELS)
    assert not report.failed and not report.owners[0].skipped
    assert await logged(restarted) == expected and once_each(expected)
    await restarted.aclose()
    await control.aclose()


def requests_since(sandbox: SandboxServer, start: int) -> int:
    return len(sandbox.state.journal.entries) - start
