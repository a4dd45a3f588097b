"""Four host processes on one database and one sandbox whose access tokens expire every few
seconds, 50 callers spread over them: steadily, then with processes SIGKILLed at random moments
and restarted, while customers' messages arrive in Front and come in as webhooks.

Each (backend, scenario) runs once (module fixture); the tests below read what it saw. The run
lasts ``CONNECTOR_FRONT_WORKERS_SECONDS`` (30) seconds; ``CONNECTOR_FRONT_WORKERS_SEED`` fixes
the kill moments (printed).

The sandbox rotates the refresh token on every refresh (Front may, and then the old one is
dead), so a process killed after Front answered a refresh and before the new refresh token was
stored loses the grant: nothing can bring it back. What is guaranteed then, and checked: Front
saw that grant's loss (its rotated token never used), one refused refresh told every process,
each call after it was refused with ``grant_refused``, and a new authorization serves again.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.workers.harness import (
    CALL,
    OWNER,
    REFUSED_GRANT,
    Changes,
    Host,
    Killer,
    Load,
    Sandbox,
    authorize,
    drive,
    events,
    failure,
    free_port,
    host_environment,
    hosts_database,
    settle,
)

pytestmark = pytest.mark.workers

HOSTS = 4
CALLERS = 50
TOKEN_TTL = 3.0
SECONDS = float(os.environ.get("CONNECTOR_FRONT_WORKERS_SECONDS", "30"))
SEED = int(os.environ.get("CONNECTOR_FRONT_WORKERS_SEED", "11"))


@dataclass
class Run:
    """What one run saw."""

    backend: str
    scenario: str
    database: str
    seconds: float = 0.0  # how long the callers ran
    load: Load = field(default_factory=Load)
    before: dict[str, Any] = field(default_factory=dict)  # sandbox stats as the callers start
    after: dict[str, Any] = field(default_factory=dict)  # ... and once they stopped
    kills: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # starts of each host
    messages: list[str] = field(default_factory=list)  # messages that arrived in Front
    webhooks: list[str] = field(default_factory=list)  # how the sandbox's delivery of each went
    events: list[dict[str, Any]] = field(default_factory=list)  # the shared event log
    ended: list[str] = field(default_factory=list)  # each host's answer once tokens expired
    final: dict[str, Any] = field(default_factory=dict)  # sandbox stats after those answers
    afterwards: list[int] = field(default_factory=list)  # each host's answer to one more call

    @property
    def lost_grants(self) -> int:
        """Grants lost to a kill: a rotated refresh token never used, its predecessor then
        presented again (the sandbox tells which reuse was which)."""
        lost: int = self.final["reused_refresh_tokens"]["successor_unused"]
        return lost


@pytest.fixture(
    scope="module",
    params=[(b, s) for b in ("sqlite", "postgresql") for s in ("steady", "kills")],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    backend, scenario = request.param
    folder = tmp_path_factory.mktemp(f"workers-{backend}-{scenario}")
    database = hosts_database(backend, request, folder)
    intake_port = free_port()
    sandbox = Sandbox(folder, TOKEN_TTL, f"http://127.0.0.1:{intake_port}/webhooks/front")
    env = host_environment(sandbox, database)
    hosts = [Host(folder, index, env) for index in range(HOSTS)]
    hosts[0].port, hosts[0].url = intake_port, f"http://127.0.0.1:{intake_port}"
    result = Run(backend, scenario, database)
    try:
        authorize(env)
        for host in hosts:
            host.start()
        changes = Changes(sandbox, every=1.0)
        killer = Killer(hosts, SEED) if scenario == "kills" else None
        print(f"{backend}/{scenario}: {SECONDS:g} s, kill seed {SEED}; logs in {folder}")
        result.before = sandbox.stats()
        started = time.monotonic()
        changes.start()
        if killer is not None:
            killer.start()
        result.load = asyncio.run(drive(hosts, callers=CALLERS, seconds=SECONDS))
        result.seconds = time.monotonic() - started
        for thread in (changes, killer):
            if thread is not None:
                thread.halt.set()
                thread.join(timeout=90)
                assert thread.error is None, f"{type(thread).__name__}: {thread.error!r}"
        result.after = sandbox.stats()
        result.kills = killer.kills if killer is not None else []
        result.starts = [host.starts for host in hosts]
        result.messages = list(changes.messages)
        time.sleep(TOKEN_TTL)  # every access token of the run expired: each call refreshes
        result.ended = [call_once(host) for host in hosts]
        result.final = sandbox.stats()
        failed, reused = len(result.load.failures), result.final["reused_refresh_tokens"]
        print(f"{failed} of {result.load.calls} calls failed; refresh tokens reused: {reused}")
        if result.lost_grants:
            authorize(env)  # what the owner does when told to re-authorize
        settle(sandbox, hosts, seconds=60)
        sent = {
            d["event_id"]: d["status"] for d in sandbox.admin.get("/webhooks/deliveries").json()
        }
        result.webhooks = [sent.get(event, "never sent") for event in changes.events]
        result.events = events(hosts[-1])
        result.afterwards = [
            httpx.get(f"{host.url}{CALL}", headers={"x-owner-id": OWNER}, timeout=60).status_code
            for host in hosts
        ]
        yield result
    finally:
        for host in hosts:
            host.stop()
        sandbox.stop()


def call_once(host: Host) -> str:
    """The host's answer to one call: 200, or how it failed."""
    answer = httpx.get(f"{host.url}{CALL}", headers={"x-owner-id": OWNER}, timeout=60)
    return "200" if answer.status_code == 200 else f"{answer.status_code} {failure(answer)}"


def test_every_process_serves_on_one_database(run: Run) -> None:
    assert sorted(run.load.served_by) == list(range(HOSTS)), run.load.served_by
    if run.backend == "sqlite":
        assert Path(run.database).is_file(), "the hosts did not share the configured file"
    assert run.load.calls > CALLERS, "the callers made barely any call"
    if run.scenario == "kills":
        assert run.kills, "the killer killed no process"
        for index in set(run.kills):
            assert run.starts[index] == 1 + run.kills.count(index), "a killed host not restarted"


def test_every_call_succeeds_unless_a_kill_lost_the_grant(run: Run) -> None:
    failed = run.load.failures
    if run.lost_grants:  # from then on every call is refused, and says to re-authorize
        failed = [f for f in failed if REFUSED_GRANT not in f]
    assert failed == [], f"{len(failed)} of {run.load.calls} calls failed: {failed[:5]}"


def test_no_refresh_token_is_used_twice(run: Run) -> None:
    # two workers refreshing at once would present one refresh token twice: invalid_grant
    assert run.final["reused_refresh_tokens"]["successor_used"] == 0, run.final
    assert run.lost_grants <= 1  # a lost grant is dead: nothing refreshes after it
    # a lost grant is learnt by one refused refresh, never by one per call or per process
    refused = {"refresh_token": {"invalid_grant": 1}} if run.lost_grants else {}
    assert run.final["refused"] == refused, (run.final["refused"], run.lost_grants)


def test_one_refresh_per_expiry(run: Run) -> None:
    refreshes = _refresh_attempts(run.after) - _refresh_attempts(run.before)
    # a token is refreshed a third of its lifetime ahead: each one serves 2/3 of TOKEN_TTL;
    # one refresh per expiry is then between these bounds (a killed refresh may cost one more;
    # after a lost grant nothing is refreshed)
    fewest = 0 if run.lost_grants else int(run.seconds / TOKEN_TTL) - 1
    most = int(run.seconds / (TOKEN_TTL * 2 / 3)) + 2 + len(run.kills)
    assert fewest <= refreshes <= most, (refreshes, fewest, most)


def _refresh_attempts(stats: dict[str, Any]) -> int:
    """Refresh grants the sandbox's token endpoint answered, and those it refused."""
    refused = sum(stats["refused"].get("refresh_token", {}).values())
    granted: int = stats["grants"]["refresh_token"]
    return granted + refused


def test_no_connection_lost_unless_the_grant_was(run: Run) -> None:
    # after a lost grant every process says so (re-authorize), and serves once that was done
    expected = REFUSED_GRANT if run.lost_grants else "200"
    assert [answer.startswith(expected) for answer in run.ended] == [True] * HOSTS, run.ended
    assert run.afterwards == [200] * HOSTS


def test_each_message_is_one_event(run: Run) -> None:
    assert run.messages, "no message arrived in Front during the run"
    # Front gave up on no webhook: each message reached a host at least once
    assert set(run.webhooks) == {"delivered"}, run.webhooks
    created = [e["id"] for e in run.events if e["event"] == "ticketComment::created"]
    missing = [m for m in run.messages if m not in created]
    twice = [m for m in run.messages if created.count(m) > 1]
    assert (missing, twice) == ([], []), f"lost: {missing}; emitted more than once: {twice}"
