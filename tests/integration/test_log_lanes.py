"""The lane of a JSON log line: a line written while a request to Front is sent names the
lane it is sent in (a background block's, else ``interactive``); any other line names none."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.ops.logs import JsonFormatter
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient, Lane, RetryPolicy, lane

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_retry_after=2.0)
log = logging.getLogger("connector_front.test")


class JsonLines:
    """What the ``connector_front`` loggers wrote as JSON lines, by message."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def by_message(self) -> dict[str, dict[str, Any]]:
        lines = [json.loads(line) for line in self.stream.getvalue().splitlines()]
        return {line["message"]: line for line in lines}

    def retry(self) -> dict[str, Any]:
        (line,) = [v for k, v in self.by_message().items() if "retrying in" in k]
        return line


@pytest.fixture
def written() -> Iterator[JsonLines]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("connector_front")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield JsonLines(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def _list_contacts_refused_once(sandbox: SandboxServer, sandbox_admin: Any) -> None:
    """A listing Front answers 429 first: the client logs its retry while it is sent."""
    sandbox_admin.fault(method="GET", path="/contacts", kind="rate_limit", retry_after=0)
    auth = StaticTokenAuth("sandbox-api-token")
    async with FrontClient(sandbox.url, auth, retry=FAST) as client:
        await client.list_page("/contacts")


@pytest.mark.parametrize("background", ["events", "sync", "backfill"])
async def test_a_line_inside_a_background_lane_names_it_and_one_outside_names_none(
    sandbox: SandboxServer, sandbox_admin: Any, written: JsonLines, background: Lane
) -> None:
    log.info("before any work")
    with lane(background):
        log.info("in the block")
        await _list_contacts_refused_once(sandbox, sandbox_admin)
    log.info("after the work")
    lines = written.by_message()
    assert lines["before any work"]["lane"] is None
    assert lines["after the work"]["lane"] is None
    assert lines["in the block"]["lane"] == background
    assert written.retry()["lane"] == background


async def test_a_request_sent_outside_any_block_logs_the_interactive_lane_it_is_paced_in(
    sandbox: SandboxServer, sandbox_admin: Any, written: JsonLines
) -> None:
    await _list_contacts_refused_once(sandbox, sandbox_admin)
    log.info("after the request")
    assert written.retry()["lane"] == "interactive"
    assert written.by_message()["after the request"]["lane"] is None
