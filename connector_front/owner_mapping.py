"""One owner's field mapping, as its connection reads, shows, replaces and checks it.

Front's custom field definitions are read at most once per ``custom_fields_ttl`` per owner and
model for records (see ``field_mapping.stored``), and read again on purpose when a connection
is authorized, when its mapping is shown or changed, and when a host lists a model's custom
fields: those are the moments a rename or a deletion in Front is looked for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from connector_front.context import OwnerContext
from connector_front.errors import (
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OperationNotGrantedError,
)
from connector_front.field_mapping.choices import SHAPE, parse_choices, refuse_shared_fields
from connector_front.field_mapping.definitions import Definitions
from connector_front.field_mapping.resolve import OwnerMapping
from connector_front.field_mapping.service import stored_choices
from connector_front.grants.guard import GuardedApi
from connector_front.mappers.base import Mapper
from connector_front.models.record import RecordWarning
from connector_front.paging import all_results

logger = logging.getLogger("connector_front")


def check_grant(ctx: OwnerContext, mapper: Mapper, grants: Sequence[str] | None) -> None:
    """Reading a model's custom fields needs a custom fields endpoint and some operation on
    the model (``grants`` None: an API token, its own authority)."""
    model = mapper.model
    if mapper.custom_fields_endpoint is None:
        raise NotSupportedError(f"{model}: Front has no custom fields for this object")
    if grants is not None and not any(op.startswith(f"{model}::") for op in grants):
        raise OperationNotGrantedError(
            f"{model} custom fields: the connection for {ctx.owner_id!r} has no {model} "
            f"operation (it has: {', '.join(grants)}); recreate the connection with one (such "
            f"as {model}::list) and authorize again"
        )


async def read_definitions(ctx: OwnerContext, mapper: Mapper) -> Definitions:
    """Front's custom field definitions of ``mapper``'s model, read now and kept."""
    endpoint = mapper.custom_fields_endpoint
    if endpoint is None:
        raise NotSupportedError(f"{mapper.model}: Front has no custom fields for this object")
    store = ctx.field_mappings.definitions
    client = ctx.client
    api = GuardedApi(
        client, f"{mapper.model} custom fields", [endpoint], relative=client.hosts.relative
    )
    items = await all_results(api, endpoint.partition(" ")[2])
    definitions = Definitions.from_front(items, store.clock())
    await store.keep(ctx.owner_id, mapper.model, definitions)
    return definitions


async def definitions_for(ctx: OwnerContext, mapper: Mapper) -> Definitions:
    """The definitions records are mapped with: fresh ones kept (here or by another worker),
    else read from Front. A failed read is kept as such (the names then go unchecked) and
    tried again once it is stale: never a request per record."""
    store = ctx.field_mappings.definitions
    kept = await store.fresh(ctx.owner_id, mapper.model)
    if kept is not None:
        return kept
    try:
        return await read_definitions(ctx, mapper)
    except ConnectorError as exc:
        return await _failed(ctx, mapper.model, exc)


async def _failed(ctx: OwnerContext, model: str, exc: ConnectorError) -> Definitions:
    logger.warning(
        "owner %s: Front's %s custom fields could not be read (%s: %s); its mapped keys are "
        "used by name, unchecked",
        ctx.owner_id,
        model,
        exc.code,
        exc.message,
    )
    store = ctx.field_mappings.definitions
    failed = Definitions.failed(f"{exc.code}: {exc.message}", store.clock())
    await store.keep(ctx.owner_id, model, failed)
    return failed


class OwnerFieldMapping:
    """The owner's mapping of every declared key: shown, replaced, checked, warned about."""

    def __init__(self, ctx: OwnerContext) -> None:
        self._ctx = ctx
        self._mappings = ctx.field_mappings

    async def describe(self, *, read: bool = True) -> dict[str, Any]:
        """Declared keys, the owner's choices, its Front custom fields per model and the
        problems (``GET /connections/{ownerId}/field-mapping``). ``read``: Front's definitions
        are read now; else those last read are used (read only where there are none: what a
        page shown again and again wants)."""
        stored = await self._stored()
        models = self._mappings.declared.models()
        kept: dict[str, Definitions] = {}
        if not read:
            kept = await self._mappings.definitions.last(self._ctx.owner_id)
        definitions, missing = await self._read_all([m for m in models if m not in kept])
        definitions = {**kept, **definitions}
        return self._mappings.describe(self._ctx.owner_id, stored, definitions, missing)

    async def replace(self, body: Any) -> dict[str, Any]:
        """Replace the owner's choices with ``body`` (``PUT``): every named field is found in
        Front's definitions, read now, and must suit its key; keys left out follow the host's
        default. Nothing is stored unless all of it holds."""
        info = await self._ctx.connections.get(self._ctx.owner_id)
        if info is None:
            raise NotFoundError(self._no_connection())
        models = _named_models(body)
        definitions, missing = await self._read_all(
            [m for m in models if self._mappings.declares(m)], strict=True
        )
        front = {m: self._mappings.front_object(m) for m in models}
        parsed = parse_choices(body, self._mappings.declared, definitions, front)
        stored = stored_choices(parsed)
        for model in parsed:
            refuse_shared_fields(self._mapping(model, stored, definitions[model]))
        await self._ctx.connections.set_field_mapping(self._ctx.owner_id, stored)
        kept = await self._mappings.definitions.last(self._ctx.owner_id)
        return self._mappings.describe(self._ctx.owner_id, stored, kept, missing)

    async def check(self) -> list[RecordWarning]:
        """Read the definitions of every model with declared keys the connection may use and
        log what cannot be mapped (after an authorization: a warning, not a failure)."""
        stored = await self._stored()
        definitions, missing = await self._read_all(self._mappings.declared.models())
        found = self._mappings.problems(self._ctx.owner_id, stored, definitions, missing)
        for problem in found:
            logger.warning("owner %s: field mapping: %s: %s", self._ctx.owner_id,
                           problem.field, problem.message)  # fmt: skip
        return found

    async def warnings(self, stored: dict[str, Any] | None) -> list[RecordWarning]:
        """What cannot be mapped, against the definitions last read: no request to Front."""
        if not self._mappings.declared:
            return []
        kept = await self._mappings.definitions.last(self._ctx.owner_id)
        return self._mappings.problems(self._ctx.owner_id, stored, kept, {})

    def _mapping(
        self, model: str, stored: dict[str, Any], definitions: Definitions
    ) -> OwnerMapping:
        return self._mappings.owner_mapping(model, self._ctx.owner_id, stored, definitions)

    async def _stored(self) -> dict[str, Any] | None:
        """The owner's stored choices; an owner without a connection is a 404 with OAuth
        (with an API token, the host's defaults apply)."""
        info = await self._ctx.connections.get(self._ctx.owner_id)
        if info is None and self._ctx.settings.uses_oauth:
            raise NotFoundError(self._no_connection())
        return None if info is None else info.field_mapping

    async def _read_all(
        self, models: Sequence[str], *, strict: bool = False
    ) -> tuple[dict[str, Definitions], dict[str, str]]:
        """Each model's definitions, read now; ``strict``: a model that cannot be read fails
        the call, else it is left out with the reason (model -> why)."""
        grants = await self._ctx.grants()
        definitions: dict[str, Definitions] = {}
        missing: dict[str, str] = {}
        for model in models:
            mapper = self._ctx.registry.get(model)
            try:
                check_grant(self._ctx, mapper, grants)
                definitions[model] = await read_definitions(self._ctx, mapper)
            except ConnectorError as exc:
                if strict:
                    raise
                if not isinstance(exc, OperationNotGrantedError):
                    definitions[model] = await _failed(self._ctx, model, exc)
                missing[model] = exc.message
        return definitions, missing

    def _no_connection(self) -> str:
        owner = self._ctx.owner_id
        return (
            f"owner {owner!r} has no connection, and a field mapping is kept with it; create "
            "one with POST /connections/{ownerId} or a connect page session, then map its fields"
        )


def _named_models(body: Any) -> list[str]:
    if not isinstance(body, dict):
        raise InvalidInputError(f"the field mapping must be an object: {SHAPE}", fields=["body"])
    return [str(model) for model in body]
