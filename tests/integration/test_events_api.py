"""Reading the event log: GET /events and the Python API, with bad input refused clearly."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from connector_front.events.log import EventLog
from connector_front.models.event import UnifiedEvent
from connector_front.store import LazyDatabase
from tests.integration.webhook_support import EventsHost, events_host

__all__ = ["events_host"]


def test_bad_reads_are_typed_4xx(events_host: EventsHost) -> None:
    http = events_host.http
    for params, status, code in [
        ({"after": "abc"}, 400, "invalid_input"),
        ({"after": "-1"}, 400, "invalid_input"),
        ({"limit": "0"}, 400, "invalid_input"),
        ({"limit": "many"}, 400, "invalid_input"),
        ({"model": "genericThing"}, 404, "not_found"),
    ]:
        answer = http.get("/events", params=params)
        assert answer.status_code == status, (params, answer.text)
        assert answer.json()["error"]["code"] == code


def test_manifest_names_triggers_and_their_sources(events_host: EventsHost) -> None:
    models = {m["model"]: m for m in events_host.http.get("/connectors/front").json()["models"]}
    issue = models["ticketIssue"]["events"]
    assert issue["id"] == "ticketIssue::events" and "events:*:read" in issue["scopes"]
    assert {t["trigger"]: t["sources"] for t in issue["triggers"]} == {
        "created": ["webhook", "events_api"],
        "updated": ["webhook", "events_api"],
        "deleted": ["webhook", "events_api"],
    }
    contact = models["genericContact"]["events"]
    assert contact["strategy"] == "updated_after" and contact["scopes"] == ["contacts:read"]
    assert [t["sources"] for t in contact["triggers"]] == [["sync"]] * 3


def _event(n: int, owner: str = "acme", model: str = "genericContact") -> UnifiedEvent:
    return UnifiedEvent.build(
        model=model,
        trigger="created",
        record_id=f"x_{n}",
        owner_id=owner,
        key=f"{model}:x_{n}:created",
        occurred_at=time.time(),
        source="sync",
    )


async def test_pages_filters_and_the_stream(tmp_path: Path) -> None:
    database = LazyDatabase(str(tmp_path / "log.sqlite3"))
    log = EventLog(database)
    await log.append([_event(1), _event(2, owner="other"), _event(3, model="genericCompany")])
    mine = await log.read(owner_id="acme")
    assert [e.id for e in mine.data] == ["x_1", "x_3"]
    contacts = await log.read(owner_id="acme", model="genericContact")
    assert [e.id for e in contacts.data] == ["x_1"]
    first = await log.read(limit=1)
    rest = await log.read(after=first.next)
    assert [e.id for e in first.data + rest.data] == ["x_1", "x_2", "x_3"]
    assert (await log.read(after=rest.next)).data == []
    await database.close()


async def test_connector_event_stream_follows_new_events(tmp_path: Path) -> None:
    from connector_front.connector import FrontConnector
    from connector_front.settings import ConnectorSettings

    connector = FrontConnector(
        ConnectorSettings(api_token="t", database=str(tmp_path / "c.sqlite3"))
    )
    seen: list[str] = []

    async def follow() -> None:
        async for event in connector.event_stream(owner_id="acme", poll_interval=0.01):
            seen.append(event.id)
            if len(seen) == 2:
                return

    task = asyncio.create_task(follow())
    await connector.event_log.append([_event(1)])
    await connector.event_log.append([_event(2)])
    await asyncio.wait_for(task, timeout=10)
    assert seen == ["x_1", "x_2"]
    await connector.aclose()
