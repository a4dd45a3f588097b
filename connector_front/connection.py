"""A connection: one owner's Front account, in the shape Morph's SDKs use.

connection = connector.connection("demo")
await connection.create(operations=["genericContact::list"])
url = (await connection.authorize()).authorization_url
page = await connection.resources("genericContact").list(limit=10)
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from connector_front.errors import InvalidInputError, NotSupportedError
from connector_front.guard import GuardedApi
from connector_front.mappers.base import EVENTS, FrontApi, FrontJSON, ListQuery, Mapper
from connector_front.mappers.custom_field_definitions import to_definition
from connector_front.mappers.events import front_event_pages
from connector_front.models.custom_field import CustomFieldDefinition
from connector_front.models.record import Record, RecordPage
from connector_front.paging import all_results
from connector_front.proxy import check_proxy_grant, check_proxy_path, forwardable_headers
from connector_front.proxy_links import relinked_response
from connector_front.records import build_record, parse_write

if TYPE_CHECKING:
    from connector_front.connector import FrontConnector

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass(frozen=True)
class ConnectionDetails:
    owner_id: str
    operations: tuple[str, ...]
    required_scopes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "ownerId": self.owner_id,
            "operations": list(self.operations),
            "requiredScopes": list(self.required_scopes),
        }


@dataclass(frozen=True)
class Authorization:
    """Where to send the customer; None in API-token mode, where there is nothing to approve."""

    authorization_url: str | None


class Connection:
    """One owner's connection. Cheap to create; state lives in the connector's stores."""

    def __init__(self, connector: FrontConnector, owner_id: str) -> None:
        if not owner_id or not owner_id.strip():
            raise InvalidInputError("owner id must be a non-empty string", fields=["ownerId"])
        self._connector = connector
        self.owner_id = owner_id

    async def create(self, operations: Sequence[str]) -> ConnectionDetails:
        """Record which operations this connection needs and derive the Front scopes for them."""
        return await self._connector.create_connection(self.owner_id, operations)

    async def authorize(self) -> Authorization:
        """Start OAuth: the URL to send the customer to (with a one-time state)."""
        return Authorization(await self._connector.authorization_url(self.owner_id))

    async def status(self) -> dict[str, Any] | None:
        """Operations, scopes (needed, missing, unverified), token health; None if absent."""
        return await self._connector.connection_status(self.owner_id)

    async def disconnect(self) -> dict[str, Any]:
        """Revoke (where possible) and delete the stored tokens and the connection."""
        return await self._connector.disconnect(self.owner_id)

    def resources(self, model: str) -> Resources:
        return Resources(self._connector, self.owner_id, self._connector.registry.get(model))

    def watch(self, model: str) -> Resources:
        """``model`` read for event sync and enrichment: every call runs as ``model::events``
        (its grant and its endpoints), so a connection needs no list / retrieve grant for it."""
        mapper = self._connector.registry.get(model)
        return Resources(self._connector, self.owner_id, mapper, as_operation=EVENTS)

    async def activity(
        self, model: str, *, after: float | None
    ) -> AsyncIterator[list[FrontJSON]]:
        """Front's activity log (Events API) oldest first from ``after``, a page at a time,
        as ``model::events``."""
        api = await self.watch(model).guarded("list")
        async for page in front_event_pages(api, after=after):
            yield page

    async def proxy(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        link_base: str | None = None,
    ) -> httpx.Response:
        """A Front endpoint the granted operations cover, auth added; Front's API host only.

        With ``link_base`` (such as ``https://host/proxy``), Front's links in the answer
        (``_pagination.next``, ``_links``) point under it instead of at Front.
        """
        clean = check_proxy_path(path)
        method = method.upper()
        info = await self._connector.check_connected(self.owner_id)
        check_proxy_grant(
            method,
            clean,
            None if info is None else info.operations,
            self._connector.registry,
            allow_unknown=self._connector.settings.proxy_allow_unknown_paths,
        )
        client = await self._connector.client(self.owner_id)
        answer = await client.send_raw(
            method,
            clean,
            params=params,
            content=content,
            headers=forwardable_headers(headers or {}),
        )
        if link_base is None:
            return answer
        base = link_base.rstrip("/")

        def relink(url: str) -> str | None:
            if not client.hosts.is_allowed(url):
                return None
            target = httpx.URL(url)
            query = f"?{target.query.decode()}" if target.query else ""
            return f"{base}{client.hosts.api_path(target)}{query}"

        return relinked_response(answer, relink)


class Resources:
    """list / retrieve / create / update / delete on one unified model."""

    def __init__(
        self,
        connector: FrontConnector,
        owner_id: str,
        mapper: Mapper,
        *,
        as_operation: str | None = None,
    ) -> None:
        self._connector = connector
        self._owner_id = owner_id
        self._mapper = mapper
        self._as_operation = as_operation
        self.model = mapper.model

    async def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        filters: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> RecordPage:
        await self.admit("list")
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(
                f"limit must be between 1 and {MAX_LIMIT} (Front's page size), got {limit}",
                fields=["limit"],
            )
        query = ListQuery(
            limit=limit,
            cursor=self._connector.cursors.decode(self.model, cursor),
            filters=dict(filters or {}),
        )
        listed = await self._call("list", lambda api: self._mapper.list(api, query))
        mapping = self._connector.field_mapping
        return RecordPage(
            data=[build_record(self._mapper, item, mapping, raw=raw) for item in listed.items],
            next=self._connector.cursors.encode(self.model, listed.next_cursor),
        )

    async def retrieve(self, record_id: str, *, raw: bool = False) -> Record:
        front = await self._run(
            "retrieve", lambda api: self._mapper.retrieve(api, record_id), record_id=record_id
        )
        return build_record(self._mapper, front, self._connector.field_mapping, raw=raw)

    async def create(self, fields: object, *, raw: bool = False) -> Record:
        await self.admit("create")
        standard, custom = parse_write(
            self._mapper, fields, self._connector.field_mapping, operation="create"
        )
        front = await self._call("create", lambda api: self._mapper.create(api, standard, custom))
        return build_record(self._mapper, front, self._connector.field_mapping, raw=raw)

    async def update(self, record_id: str, fields: object, *, raw: bool = False) -> Record:
        await self.admit("update", record_id=record_id)
        standard, custom = parse_write(
            self._mapper, fields, self._connector.field_mapping, operation="update"
        )
        front = await self._call(
            "update", lambda api: self._mapper.update(api, record_id, standard, custom)
        )
        return build_record(self._mapper, front, self._connector.field_mapping, raw=raw)

    async def custom_fields(self) -> builtins.list[CustomFieldDefinition]:
        """The Front custom fields this model can map, for a host's field-mapping screen."""
        endpoint = self._mapper.custom_fields_endpoint
        if endpoint is None:
            raise NotSupportedError(f"{self.model}: Front has no custom fields for this object")
        await self._connector.check_connected(self._owner_id)
        client = await self._connector.client(self._owner_id)
        _, path = endpoint.split(" ", 1)
        return [
            CustomFieldDefinition.model_validate(to_definition(item))
            for item in await all_results(client, path)
        ]

    async def delete(self, record_id: str, *, permanent: bool = False) -> None:
        await self._run(
            "delete",
            lambda api: self._mapper.delete(api, record_id, permanent=permanent),
            record_id=record_id,
        )

    async def admit(self, operation: str, *, record_id: str | None = None) -> None:
        """Refuse an unsupported (501) or ungranted (403) operation, then a foreign id (400),
        before reading anything else of its input."""
        if not self._mapper.supports(operation):
            raise self._mapper.unsupported_error(operation)
        grant = self._grant(operation)
        await self._connector.check_granted(self._owner_id, f"{self.model}::{grant}")
        if record_id is not None:
            self._mapper.check_id(record_id)

    async def _run(
        self,
        operation: str,
        call: Callable[[FrontApi], Awaitable[T]],
        *,
        record_id: str | None = None,
    ) -> T:
        """Admit the operation, then run it guarded."""
        await self.admit(operation, record_id=record_id)
        return await self._call(operation, call)

    async def _call(self, operation: str, call: Callable[[FrontApi], Awaitable[T]]) -> T:
        """Run an admitted operation; its mapper may reach only the endpoints it declares."""
        return await call(await self._guard(operation))

    async def guarded(self, operation: str) -> FrontApi:
        """Front held to the endpoints of the grant ``operation`` runs under, once admitted."""
        await self.admit(operation)
        return await self._guard(operation)

    def _grant(self, operation: str) -> str:
        """The grant an operation runs under: itself, or ``events`` for a watching view."""
        grant = self._as_operation or operation
        if not self._mapper.supports(grant):
            raise self._mapper.unsupported_error(grant)
        return grant

    async def _guard(self, operation: str) -> FrontApi:
        grant = self._grant(operation)
        client = await self._connector.client(self._owner_id)
        return GuardedApi(
            client,
            f"{self.model}::{grant}",
            self._mapper.endpoints[grant],
            relative=client.hosts.relative,
        )
