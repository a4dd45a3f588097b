"""A ticketIssue listing whose pages two ``connector-front serve`` processes serve in turn, on
one database: each issue once, at the request floor (what one worker listed, the other reads
from the database instead of asking Front for each conversation's inboxes)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.workers.harness import (
    API_TOKEN,
    OWNER,
    Host,
    Sandbox,
    authorize,
    free_port,
    host_environment,
    hosts_database,
)

pytestmark = pytest.mark.workers

PAGE = 40


def front_listing(sandbox: Sandbox, path: str) -> list[dict[str, Any]]:
    """Every result of a Front listing, read from the sandbox with its API token."""
    found: list[dict[str, Any]] = []
    url: str | None = f"{sandbox.url}{path}?limit=100"
    while url is not None:
        page = httpx.get(url, headers={"authorization": f"Bearer {API_TOKEN}"}, timeout=30)
        page.raise_for_status()
        found += page.json()["_results"]
        url = (page.json().get("_pagination") or {}).get("next")
    return found


def walk_in_turns(hosts: list[Host]) -> tuple[list[str], int]:
    """Every page of the ticketIssue listing, each from the next host in turn: the issue ids
    and the number of pages."""
    ids: list[str] = []
    cursor: str | None = None
    turns = 0
    while True:
        answer = httpx.get(
            f"{hosts[turns % len(hosts)].url}/resources/ticketIssue",
            params={"limit": str(PAGE), **({"cursor": cursor} if cursor else {})},
            headers={"x-owner-id": OWNER},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        ids += [record["id"] for record in answer.json()["data"]]
        turns += 1
        cursor = answer.json()["next"]
        if cursor is None:
            return ids, turns


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_issue_walk_served_by_two_workers_in_turn_is_at_the_floor(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    database = hosts_database(backend, request, tmp_path)
    sandbox = Sandbox(tmp_path, 3600, f"http://127.0.0.1:{free_port()}/webhooks/front")
    # Two plain `serve` processes: on SQLite they are told that they share the database, as
    # every worker of `serve --workers N` is; PostgreSQL says so itself.
    env = host_environment(sandbox, database)
    if backend == "sqlite":
        env["CONNECTOR_FRONT_PACING"] = "shared"
    hosts = [Host(tmp_path, index, env) for index in range(2)]
    try:
        authorize(hosts[0].env)
        for host in hosts:
            host.start()
        for kind, count in (("inboxes", 3), ("conversations", 300)):
            sandbox.admin.post(f"/seed/{kind}", json={"count": count}).raise_for_status()
        inboxes = len(front_listing(sandbox, "/inboxes"))
        live = [c["id"] for c in front_listing(sandbox, "/conversations")]
        sandbox.admin.delete("/requests").raise_for_status()
        ids, turns = walk_in_turns(hosts)
        asked = [r["path"] for r in sandbox.admin.get("/requests").json()]
    finally:
        for host in hosts:
            host.stop()
        sandbox.stop()
    print(f"\n{backend}: {turns} pages in turns, {len(ids)} issues, {len(asked)} requests")
    assert turns > 6
    assert sorted(Counter(ids).values()) == [1] * len(live)
    assert sorted(ids) == sorted(live)
    assert not [p for p in asked if p.startswith("/conversations/") and p.endswith("/inboxes")]
    assert len(asked) <= math.ceil(len(live) / PAGE) + inboxes + 2
