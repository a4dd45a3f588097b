"""The owner's mapping beyond reads and writes, on a sandbox Front: events' ``data``, the
manifest's declared keys, and Front's definitions read again only once stale."""

from __future__ import annotations

import time

import httpx

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from tests.clock import FakeClock
from tests.conftest import OWNER

OTHER = "globex"
CONTACT = "crd_s001"  # Loyalty tier "Gold", Preferred store "Portland"


def _connector(embedded: EmbeddedSandbox) -> FrontConnector:
    assert embedded.connector is not None
    return embedded.connector


async def test_events_data_use_each_owners_mapping(embedded: EmbeddedSandbox) -> None:
    connector = _connector(embedded)  # declares genericContact tier = "Loyalty tier"
    await connect_owner(connector, OTHER)
    mapped = {"genericContact": {"tier": "Preferred store"}}
    await connector.connection(OTHER).set_field_mapping(mapped)
    await connector.sync(models=["genericContact"])  # the baseline of both owners
    front = httpx.AsyncClient(
        base_url=embedded.server.url, headers={"authorization": "Bearer sandbox-api-token"}
    )
    async with front:
        changed = await front.patch(
            f"/contacts/{CONTACT}", json={"description": "moved to Denver"}
        )
    assert changed.status_code == 204, changed.text
    await connector.sync(models=["genericContact"])
    tiers = {}
    for owner in (OWNER, OTHER):
        page = await connector.events(owner_id=owner, model="genericContact")
        (event,) = [e for e in page.data if e.id == CONTACT and e.trigger == "updated"]
        assert event.data is not None
        tiers[owner] = event.data["fields"]["tier"]
    assert tiers == {OWNER: "Gold", OTHER: "Portland"}


async def test_the_manifest_lists_the_declared_keys_and_their_types(
    embedded: EmbeddedSandbox,
) -> None:
    models = {m.model: m for m in _connector(embedded).manifest().models}
    (tier,) = models["genericContact"].fieldKeys
    assert (tier.key, tier.type, tier.default) == ("tier", None, "Loyalty tier")  # short form
    (priority,) = models["ticketIssue"].fieldKeys
    assert (priority.key, priority.type, priority.label) == ("priority", "string", "Priority")
    assert models["genericUser"].fieldKeys == []


async def test_front_definitions_are_read_again_only_once_stale(
    embedded: EmbeddedSandbox, clock: FakeClock
) -> None:
    connector = _connector(embedded)
    store = connector.field_mappings.definitions
    clock.now = time.time()
    store.clock = clock
    contacts = connector.connection(OWNER).resources("genericContact")

    async def reads() -> int:
        async with httpx.AsyncClient(base_url=embedded.server.url) as admin:
            journal = (await admin.get("/_sandbox/requests")).json()
        return sum(1 for r in journal if r["path"] == "/contacts/custom_fields")

    before = await reads()  # read when the owner was authorized
    for _ in range(3):
        await contacts.list(limit=5)
    assert await reads() == before  # still fresh: no request for them
    clock.now += store.ttl + 1
    for _ in range(3):
        await contacts.list(limit=5)
        await contacts.retrieve(CONTACT)
    assert await reads() == before + 1  # stale once: read once, then fresh again


async def test_events_read_from_fronts_events_api_use_each_owners_mapping(
    embedded: EmbeddedSandbox,
) -> None:
    connector = _connector(embedded)  # declares ticketIssue priority = "Priority"
    await connect_owner(connector, OTHER)
    await connector.connection(OTHER).set_field_mapping({"ticketIssue": {"priority": "fld_s032"}})
    await connector.sync(models=["ticketIssue"])  # each owner's stream position
    async with httpx.AsyncClient(
        base_url=embedded.server.url, headers={"authorization": "Bearer sandbox-api-token"}
    ) as front:
        changed = await front.patch("/conversations/cnv_s001", json={"status": "archived"})
    assert changed.status_code == 204, changed.text
    await connector.sync(models=["ticketIssue"])
    priorities = {}
    for owner in (OWNER, OTHER):
        page = await connector.events(owner_id=owner, model="ticketIssue")
        (event,) = [e for e in page.data if e.id == "cnv_s001" and e.data is not None]
        assert event.source == "events_api"
        priorities[owner] = event.data["fields"]["priority"]
    assert priorities == {OWNER: "High", OTHER: "LO-20931"}  # "Priority", "Order number"
