"""``connector-front serve --sandbox`` as a user runs it: the sandbox's webhooks reach the host.

The host runs in its own process; this test is a client over HTTP, signing with the secret it
gave the host through the environment, as an operator would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.limits import SUITE_RATE_LIMIT

SECRET = "serve-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    http: httpx.Client
    log: Path

    def sandbox_url(self) -> str:
        """The embedded sandbox's base URL, as ``serve --sandbox`` printed it at start."""
        printed = re.search(r"sandbox Front on (http://\S+)", self.log.read_text())
        assert printed, "serve --sandbox did not print its sandbox's URL"
        return printed.group(1)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[httpx.Client]:
    """No polling: conversation events can come only from the sandbox's webhooks."""
    for running in _serve(tmp_path, "--sync-interval", "0"):
        yield running.http


@pytest.fixture
def served_polling(tmp_path: Path) -> Iterator[Served]:
    """A pass a second: more than Front's 120 requests a minute allow, so the sandbox is set
    to the suites' looser limit (this is about polling, not the budget)."""
    for running in _serve(tmp_path, "--sync-interval", "1"):
        limit = {"rate_limit": SUITE_RATE_LIMIT, "burst_limit": None}
        httpx.post(f"{running.sandbox_url()}/_sandbox/config", json=limit).raise_for_status()
        yield running


def _serve(folder: Path, *options: str) -> Iterator[Served]:
    port = _free_port()
    env = {**os.environ, "FRONT_WEBHOOK_SECRET": f"{SECRET},older-secret"}
    env.pop("CONNECTOR_FRONT_HOST_KEY", None)
    log = folder / "serve.log"
    with log.open("w") as sink:
        command = [sys.executable, "-m", "connector_front.cli", "serve", "--sandbox"]
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            env=env,
            stdout=sink,
            stderr=sink,
            text=True,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        _until(lambda: _up(client), what="the host to start", process=process)
        yield Served(client, log)
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _up(client: httpx.Client) -> bool:
    try:
        return client.get("/connectors/front").status_code == 200
    except httpx.TransportError:
        return False


def _until(
    check: Callable[[], Any], *, what: str, process: subprocess.Popen[str] | None = None
) -> Any:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"serve exited while waiting for {what}")
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _events(client: httpx.Client) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = client.get("/events", params={"limit": 500}).json()["data"]
    return data


def test_changes_made_through_the_host_come_back_as_webhook_events(served: httpx.Client) -> None:
    issue = served.get("/resources/ticketIssue", params={"limit": 1}).json()["data"][0]["id"]
    ref = {"object": "resourceRef", "model": "ticketIssue", "id": issue}
    comment = served.post(
        "/resources/ticketComment", json={"fields": {"issue": ref, "content": "on it"}}
    ).json()["id"]
    assert served.patch(
        f"/resources/ticketIssue/{issue}", json={"fields": {"status": "closed"}}
    ).status_code == 200

    def arrived() -> set[tuple[str, str]]:  # no polling: what comes, the webhooks brought
        got = {(e["event"], e["id"]) for e in _events(served) if e["source"] != "sync"}
        return got if {("ticketComment::created", comment)} <= got and len(got) >= 2 else set()

    got = _until(arrived, what="the webhook events")
    assert ("ticketIssue::updated", issue) in got
    closed = [e for e in _events(served) if e["event"] == "ticketIssue::updated"]
    assert any(e["data"]["fields"]["status"] == "closed" for e in closed)


def test_a_signed_delivery_from_outside_is_accepted_once(served: httpx.Client) -> None:
    company = served.get("/proxy/me").json()["id"]
    issue = served.get("/resources/ticketIssue", params={"limit": 1}).json()["data"][0]["id"]
    body = json.dumps(
        {
            "type": "conversation_snoozed",
            "authorization": {"id": company},
            "payload": {"id": "evt_outside", "emitted_at": time.time(),
                        "conversation": {"id": issue}},
        }
    ).encode()  # fmt: skip
    timestamp = str(int(time.time() * 1000))
    mac = hmac.new(SECRET.encode(), timestamp.encode() + b":" + body, hashlib.sha256)
    headers = {
        "x-front-signature": base64.b64encode(mac.digest()).decode(),
        "x-front-request-timestamp": timestamp,
    }
    for _ in range(3):
        assert served.post("/webhooks/front", content=body, headers=headers).status_code == 200
    key = f"ticketIssue:{issue}:updated:evt_outside"
    _until(lambda: any(e["idempotencyKey"] == key for e in _events(served)), what="the event")
    assert [e["idempotencyKey"] for e in _events(served)].count(key) == 1


def test_polling_turns_changes_into_events_once(served_polling: Served) -> None:
    host = served_polling.http
    contact = host.post(
        "/resources/genericContact", json={"fields": {"email": "poll@example.com"}}
    ).json()["id"]
    account = host.post("/resources/genericCompany", json={"fields": {"name": "Polled"}})
    inbox = host.post("/resources/ticketProject", json={"fields": {"name": "Polled"}})
    account, inbox = account.json()["id"], inbox.json()["id"]
    created = {("genericContact", contact), ("genericCompany", account), ("ticketProject", inbox)}

    def triggered(trigger: str) -> bool:
        seen = {(e["model"], e["id"]) for e in _events(host) if e["trigger"] == trigger}
        return created <= seen

    _until(lambda: triggered("created"), what="the created events")

    host.patch(f"/resources/genericContact/{contact}", json={"fields": {"lastName": "Polled"}})
    host.patch(f"/resources/genericCompany/{account}", json={"fields": {"description": "x"}})
    sandbox = served_polling.sandbox_url()
    change = {"kind": "inboxes", "id": inbox, "set": {"name": "Polled twice"}}
    assert httpx.post(f"{sandbox}/_sandbox/records/update", json=change).status_code == 200
    _until(lambda: triggered("updated"), what="the updated events")

    host.delete(f"/resources/genericContact/{contact}")
    host.delete(f"/resources/genericCompany/{account}")
    gone = {"kind": "inboxes", "id": inbox}
    assert httpx.post(f"{sandbox}/_sandbox/records/delete", json=gone).status_code == 200
    _until(lambda: triggered("deleted"), what="the deleted events")

    def listings() -> int:  # each sync pass lists the inboxes once
        answer = httpx.get(f"{sandbox}/_sandbox/requests", timeout=10).json()
        return sum(1 for e in answer if e["method"] == "GET" and e["path"] == "/inboxes")

    seen = listings()
    _until(lambda: listings() >= seen + 3, what="two more sync passes")  # nothing new may appear
    mine = [e for e in _events(host) if (e["model"], e["id"]) in created]
    assert sorted((e["model"], e["trigger"]) for e in mine) == sorted(
        (model, trigger) for model, _ in created for trigger in ("created", "updated", "deleted")
    )
