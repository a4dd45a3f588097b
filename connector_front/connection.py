"""A connection: one owner's Front account, in the shape Morph's SDKs use.

connection = connector.connection("demo")
await connection.create(operations=["genericContact::list"])
url = (await connection.authorize()).authorization_url
page = await connection.resources("genericContact").list(limit=10)
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from connector_front.errors import InvalidInputError, NotSupportedError
from connector_front.guard import GuardedApi
from connector_front.mappers.base import FrontApi, ListQuery, Mapper
from connector_front.mappers.custom_field_definitions import to_definition
from connector_front.models.custom_field import CustomFieldDefinition
from connector_front.models.record import Record, RecordPage
from connector_front.proxy import check_proxy_grant, check_proxy_path, forwardable_headers
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

    def resources(self, model: str) -> Resources:
        return Resources(self._connector, self.owner_id, self._connector.registry.get(model))

    async def proxy(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A Front endpoint the granted operations cover, auth added; Front's API host only."""
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
        return await client.send_raw(
            method,
            clean,
            params=params,
            content=content,
            headers=forwardable_headers(headers or {}),
        )


class Resources:
    """list / retrieve / create / update / delete on one unified model."""

    def __init__(self, connector: FrontConnector, owner_id: str, mapper: Mapper) -> None:
        self._connector = connector
        self._owner_id = owner_id
        self._mapper = mapper
        self.model = mapper.model

    async def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        filters: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> RecordPage:
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
        listed = await self._run("list", lambda api: self._mapper.list(api, query))
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
        standard, custom = parse_write(
            self._mapper, fields, self._connector.field_mapping, operation="create"
        )
        front = await self._run("create", lambda api: self._mapper.create(api, standard, custom))
        return build_record(self._mapper, front, self._connector.field_mapping, raw=raw)

    async def update(self, record_id: str, fields: object, *, raw: bool = False) -> Record:
        standard, custom = parse_write(
            self._mapper, fields, self._connector.field_mapping, operation="update"
        )
        front = await self._run(
            "update",
            lambda api: self._mapper.update(api, record_id, standard, custom),
            record_id=record_id,
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
            async for item in client.iterate(path)
        ]

    async def delete(self, record_id: str, *, permanent: bool = False) -> None:
        await self._run(
            "delete",
            lambda api: self._mapper.delete(api, record_id, permanent=permanent),
            record_id=record_id,
        )

    async def _run(
        self,
        operation: str,
        call: Callable[[FrontApi], Awaitable[T]],
        *,
        record_id: str | None = None,
    ) -> T:
        """Refuse unsupported operations, foreign ids, ungranted operations; then run guarded."""
        if not self._mapper.supports(operation):
            raise self._mapper.unsupported_error(operation)
        if record_id is not None:
            self._mapper.check_id(record_id)
        operation_id = f"{self.model}::{operation}"
        await self._connector.check_granted(self._owner_id, operation_id)
        client = await self._connector.client(self._owner_id)
        guarded = GuardedApi(
            client, operation_id, self._mapper.endpoints[operation], relative=client.hosts.relative
        )
        return await call(guarded)
