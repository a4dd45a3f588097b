"""The Python API (Morph SDK shape) against a sandbox Front over loopback HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from connector_front.errors import (
    InsufficientPermissionError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
)
from connector_front.grants.guard import UndeclaredEndpointError
from connector_front.mappers.base import FrontApi, FrontItem, ListQuery, MappedList
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.settings import ConnectorSettings
from tests.limits import loose

OWNER = "acme"


def _connector(env: EmbeddedSandbox) -> FrontConnector:
    assert env.connector is not None
    return env.connector


async def _sandbox_requests(env: EmbeddedSandbox) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as admin:
        answer: list[dict[str, Any]] = (
            await admin.get(f"{env.server.url}/_sandbox/requests")
        ).json()
    return answer


async def _clear_requests(env: EmbeddedSandbox) -> None:
    async with httpx.AsyncClient() as admin:
        await admin.delete(f"{env.server.url}/_sandbox/requests")


async def test_cursor_walks_every_contact_once(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await contacts.list(limit=3, cursor=cursor)
        seen.extend(record.id for record in page.data)
        if page.next is None:
            break
        cursor = page.next
    async with httpx.AsyncClient() as front:
        answer = await front.get(
            f"{embedded.server.url}/contacts",
            params={"limit": 100},
            headers={"authorization": "Bearer sandbox-api-token"},
        )
    raw = answer.json()["_results"]
    assert len(seen) == len(set(seen)) == len(raw) > 3


async def test_custom_field_write_keeps_the_others(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    created = await contacts.create({"email": "kim@keep.example", "tier": "Silver"})
    # Another custom field set on the Front side, not mapped by the host:
    await embedded.connector.connection(OWNER).proxy(  # type: ignore[union-attr]
        "PATCH",
        f"/contacts/{created.id}",
        content=b'{"custom_fields": {"Loyalty tier": "Silver", "Preferred store": "Bend"}}',
        headers={"content-type": "application/json"},
    )
    updated = await contacts.update(created.id, {"tier": "Gold"})
    assert updated.fields["tier"] == "Gold"
    raw = await contacts.retrieve(created.id, raw=True)
    assert raw.rawResource is not None
    assert raw.rawResource["custom_fields"]["Preferred store"] == "Bend"
    assert raw.rawResource["custom_fields"]["Loyalty tier"] == "Gold"


async def test_partial_update_changes_only_what_it_names(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    created = await contacts.create(
        {
            "firstName": "Ola",
            "lastName": "Nordmann",
            "email": "ola@nord.example",
            "phoneNumber": "+47 22 00 00 00",
            "description": "first",
        }
    )
    updated = await contacts.update(created.id, {"email": "ola@new.example"})
    assert updated.fields["email"] == "ola@new.example"
    for name in ("firstName", "lastName", "phoneNumber", "description"):
        assert updated.fields[name] == created.fields[name]
    handles = (await contacts.retrieve(created.id, raw=True)).rawResource["handles"]  # type: ignore[index]
    assert {"handle": "ola@nord.example", "source": "email"} not in handles


async def test_retrieve_by_email_alias(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    created = await contacts.create({"email": "alias@front.example"})
    found = await contacts.retrieve("alt:email:alias@front.example")
    assert found.id == created.id


async def test_missing_record_is_not_found(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    with pytest.raises(NotFoundError):
        await contacts.retrieve("crd_nothere")


async def test_bad_filter_is_refused_before_any_request(embedded: EmbeddedSandbox) -> None:
    await _clear_requests(embedded)
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    with pytest.raises(InvalidInputError) as caught:
        await contacts.list(filters={"colour": "red"})
    assert "updatedAfter" in caught.value.message
    with pytest.raises(InvalidInputError):
        await contacts.list(filters={"updatedAfter": "last tuesday"})
    assert await _sandbox_requests(embedded) == []


async def test_updated_after_filter_reaches_front(embedded: EmbeddedSandbox) -> None:
    contacts = _connector(embedded).connection(OWNER).resources("genericContact")
    created = await contacts.create({"email": "fresh@new.example"})
    assert created.updatedAt is not None
    since = created.updatedAt.timestamp() - 0.001
    page = await contacts.list(filters={"updatedAfter": str(since)})
    assert created.id in [record.id for record in page.data]


async def test_missing_scope_is_named(tmp_path: Path) -> None:
    scopes = ["contacts:read", "contacts:write"]  # the app lacks contacts:delete
    async with EmbeddedSandbox(tmp_path / "c.sqlite3", loose(granted_scopes=scopes)) as env:
        connector = _connector(env)
        await connect_owner(connector, OWNER)
        contacts = connector.connection(OWNER).resources("genericContact")
        first = (await contacts.list(limit=1)).data[0]
        with pytest.raises(InsufficientPermissionError) as caught:
            await contacts.delete(first.id)
    assert caught.value.scopes == ["contacts:delete"]
    assert "contacts:delete" in caught.value.message


class ReadOnlyContacts(ContactMapper):
    """A custom model: contacts that can only be listed, and a buggy retrieve."""

    model = "readOnlyContact"
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /contacts",),
        "retrieve": ("GET /contacts/{contact_id}",),
    }
    not_supported: ClassVar[Mapping[str, str]] = {"delete": "this model is read-only"}

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        return await super().list(api, query)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return FrontItem(await api.request_json("GET", "/me"))  # not declared: refused


async def test_unsupported_operation_fails_before_any_request(embedded: EmbeddedSandbox) -> None:
    connector = _connector(embedded)
    connector.register_model(ReadOnlyContacts())
    await connect_owner(connector, "ro", ["readOnlyContact::list", "readOnlyContact::retrieve"])
    await _clear_requests(embedded)
    resources = connector.connection("ro").resources("readOnlyContact")
    with pytest.raises(NotSupportedError, match="read-only"):
        await resources.delete("crd_1")
    with pytest.raises(UndeclaredEndpointError, match="GET /me"):
        await resources.retrieve("crd_1")
    assert await _sandbox_requests(embedded) == []
    assert (await resources.list(limit=1)).data[0].model == "readOnlyContact"


async def test_api_token_mode(tmp_path: Path) -> None:
    async with EmbeddedSandbox(tmp_path / "c.sqlite3") as env:
        settings = ConnectorSettings(
            api_base=env.server.url, api_token="sandbox-api-token", database=str(tmp_path / "t.db")
        )
        async with FrontConnector(settings) as connector:
            authorization = await connector.connection("anyone").authorize()
            assert authorization.authorization_url is None
            page = await connector.connection("anyone").resources("genericContact").list(limit=1)
            assert len(page.data) == 1
