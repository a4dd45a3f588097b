"""A full event sync through injected faults: the same events as a clean sync, each once; a
model whose reads keep failing is reported by name, and the next pass resumes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connector_front.sandbox import SandboxServer

from .faults import KINDS, TIMEOUT, FaultDealer, lend_time
from .sync_world import EVENT_MODELS, OWNER, SyncWorld, logged, make_changes, once_each


@pytest.fixture
async def world(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[SyncWorld]:
    yield SyncWorld(sandbox, tmp_path)


FAST_KINDS = [name for name in KINDS if name != "slow"]


@pytest.mark.parametrize("seed", [11, 12])
async def test_a_full_sync_through_faults_emits_what_a_clean_one_does_once(
    world: SyncWorld, sandbox: SandboxServer, seed: int
) -> None:
    control = await world.connected("control.sqlite3")
    subject = await world.connected("subject.sqlite3", timeout=TIMEOUT)
    await control.sync(OWNER, EVENT_MODELS)
    await subject.sync(OWNER, EVENT_MODELS)  # the baselines, before any fault
    await make_changes(control, sandbox, seed)

    clean = await control.sync(OWNER, EVENT_MODELS, full=True)
    assert not clean.failed and clean.emitted > 10
    time = await lend_time(subject, sandbox, OWNER)
    dealer = FaultDealer(sandbox, FAST_KINDS, seed=seed)
    subject.clients.get(OWNER).on_request = dealer.hook()
    report = await subject.sync(OWNER, EVENT_MODELS, full=True)
    subject.clients.get(OWNER).on_request = None
    for feed in report.owners[0].models:  # a failure names its model and what Front refused
        assert feed.error is None or "GET /" in feed.error, (feed.model, feed.error)
    if report.failed:  # a rate limit outlasting the attempts: the next pass resumes
        report = await subject.sync(OWNER, EVENT_MODELS, full=True)
    assert not report.failed, report.to_json()
    assert len(set(dealer.dealt)) >= 4 and time.slept

    expected = await logged(control)
    assert await logged(subject) == expected and once_each(expected)
    again = await subject.sync(OWNER, EVENT_MODELS, full=True)
    assert again.emitted == 0 and await logged(subject) == expected
    await control.aclose()
    await subject.aclose()


async def test_a_model_failing_every_attempt_is_reported_by_name_and_resumed(
    world: SyncWorld, sandbox: SandboxServer
) -> None:
    control = await world.connected("control.sqlite3")
    subject = await world.connected("subject.sqlite3")
    await control.sync(OWNER, EVENT_MODELS)
    await subject.sync(OWNER, EVENT_MODELS)
    await make_changes(control, sandbox, 13)
    await control.sync(OWNER, EVENT_MODELS)

    await lend_time(subject, sandbox, OWNER)
    sandbox.state.add_fault(method="GET", path="/contacts", kind="status", status=502, count=50)
    hurt = await subject.sync(OWNER, EVENT_MODELS)
    sandbox.state.clear_faults()
    failed = [feed for feed in hurt.owners[0].models if feed.error]
    assert [feed.model for feed in failed] == ["genericContact"]
    assert "GET /contacts" in (failed[0].error or "") and "5 attempts" in (failed[0].error or "")
    assert "genericContact" in hurt.to_json()["owners"][0]["models"][0]["model"]

    resumed = await subject.sync(OWNER, EVENT_MODELS)
    assert not resumed.failed
    expected = await logged(control)
    assert await logged(subject) == expected and once_each(expected)
    await control.aclose()
    await subject.aclose()
