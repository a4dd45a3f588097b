"""genericCompany's updatedAfter filter: Front sorts accounts by updated_at, newest first."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import httpx
import pytest

from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.errors import InvalidInputError

OWNER = "acme"


async def _requests(env: EmbeddedSandbox) -> list[dict[str, str]]:
    async with httpx.AsyncClient(base_url=f"{env.server.url}/_sandbox") as admin:
        answer: list[dict[str, str]] = (await admin.get("/requests")).json()
    return answer


async def test_updated_after_lists_only_the_changed_accounts(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    companies = embedded.connector.connection(OWNER).resources("genericCompany")
    everyone = (await companies.list(limit=100)).data
    since = time.time() - 0.5
    changed = await companies.update(everyone[2].id, {"description": "New terms"})
    created = await companies.create({"name": "Newcomer Ltd"})
    async with httpx.AsyncClient() as admin:
        await admin.delete(f"{embedded.server.url}/_sandbox/requests")

    page = await companies.list(limit=1, filters={"updatedAfter": f"{since}"})
    seen = [r.id for r in page.data]
    while page.next is not None:
        page = await companies.list(limit=1, cursor=page.next)
        seen += [r.id for r in page.data]
    assert seen == [created.id, changed.id]
    listings = [r for r in await _requests(embedded) if r["path"] == "/accounts"]
    assert len(listings) == 3  # the third page holds the first older account: the listing ends
    query = parse_qs(listings[0]["query"])
    assert query["sort_by"] == ["updated_at"] and query["sort_order"] == ["desc"]


async def test_updated_after_takes_iso_times_and_refuses_others(embedded: EmbeddedSandbox) -> None:
    assert embedded.connector is not None
    companies = embedded.connector.connection(OWNER).resources("genericCompany")
    future = await companies.list(filters={"updatedAfter": "2999-01-01T00:00:00Z"})
    assert future.data == [] and future.next is None
    with pytest.raises(InvalidInputError, match="updatedAfter") as refused:
        await companies.list(filters={"updatedAfter": "yesterday"})
    assert refused.value.fields == ["filters.updatedAfter"]
    with pytest.raises(InvalidInputError, match="known filters: updatedAfter"):
        await companies.list(filters={"updatedBefore": "2024-01-01"})
