"""A connection: one owner's Front account, in the shape Morph's SDKs use.

connection = connector.connection("demo")
await connection.create(operations=["genericContact::list"])
url = (await connection.authorize()).authorization_url
page = await connection.resources("genericContact").list(limit=10)
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import AsyncIterator, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, aclosing
from dataclasses import dataclass, replace
from typing import Any

import httpx

from connector_front.context import OwnerContext
from connector_front.errors import (
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    OperationNotGrantedError,
    UpstreamError,
)
from connector_front.field_mapping import RecordMapping
from connector_front.field_mapping.resolve import OwnerMapping
from connector_front.field_mapping.service import NONE
from connector_front.grants.guard import GuardedApi
from connector_front.health import iso, token_health
from connector_front.mappers.base import (
    EVENTS,
    FrontApi,
    FrontJSON,
    ListQuery,
    MappedList,
    Mapper,
)
from connector_front.mappers.event_memory import EventMemory
from connector_front.mappers.events import front_event_pages
from connector_front.mappers.walks import OwnerWalks
from connector_front.models.custom_field import CustomFieldDefinition
from connector_front.models.record import Record, RecordPage, RecordWarning
from connector_front.observe import operating
from connector_front.owner_mapping import (
    OwnerFieldMapping,
    check_grant,
    definitions_for,
    read_definitions,
)
from connector_front.paging import follow
from connector_front.proxy.links import relinked_response
from connector_front.proxy.rules import check_proxy_grant, check_proxy_path, forwardable_headers
from connector_front.records import front_record, front_records, parse_write
from connector_front.store.connections import ConnectionInfo

MAX_LIMIT = 100

logger = logging.getLogger("connector_front")


@dataclass(frozen=True)
class ConnectionDetails:
    """A connection as created: its owner, its operations and the Front scopes they need."""

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
    """One owner's connection. Cheap to create; state lives in the context's stores."""

    def __init__(self, context: OwnerContext) -> None:
        if not context.owner_id or not context.owner_id.strip():
            raise InvalidInputError("owner id must be a non-empty string", fields=["ownerId"])
        self._ctx = context
        self.owner_id = context.owner_id

    async def create(self, operations: Sequence[str]) -> ConnectionDetails:
        """Record which operations this connection needs and derive the Front scopes for them.

        Without a way to authorize it (no API token, no OAuth app) nothing is recorded: a
        ConfigurationError says what to set."""
        unique = self._ctx.registry.grantable(operations)
        self._ctx.settings.require_credentials()
        info = await self._ctx.connections.put(self.owner_id, unique)
        scopes = tuple(self._ctx.registry.required_scopes(unique))
        return ConnectionDetails(self.owner_id, info.operations, scopes)

    async def authorize(
        self,
        origin: str | None = None,
        *,
        operations: Sequence[str] | None = None,
        binding: str | None = None,
    ) -> Authorization:
        """Start OAuth: the URL to send the customer to, with a one-time state that remembers
        ``origin`` (what started it).

        ``operations``: the connection takes them only once the customer consents, in the
        callback (:meth:`FrontConnector.complete_authorization`); a refused or abandoned
        consent leaves the connection as it is. With an API token there is nothing to
        consent to: they apply at once. ``binding``: a value only the customer's browser
        holds (a cookie of the host's); the callback must present the same one.
        """
        unique = None if operations is None else self._ctx.registry.grantable(operations)
        if not self._ctx.settings.uses_oauth:
            if unique is not None:
                await self.create(unique)
            return Authorization(None)
        flow = self._ctx.clients.flow
        url = await flow.authorization_url(
            self.owner_id, origin, operations=unique, binding=binding
        )
        return Authorization(url)

    async def create_and_authorize(
        self, operations: Sequence[str]
    ) -> tuple[ConnectionDetails, Authorization]:
        """:meth:`create`, then :meth:`authorize`, as one step: the authorization URL is made
        first, so a failure leaves no connection behind (and an existing one as it was)."""
        unique = self._ctx.registry.grantable(operations)  # refused before anything is made
        authorization = await self.authorize()
        return await self.create(unique), authorization

    async def status(self) -> dict[str, Any] | None:
        """Operations, scopes needed / found missing / unverified, token health and company;
        None when there is no connection. Never a token."""
        info = await self._ctx.connections.get(self.owner_id)
        if info is None:
            return None
        checked = info.permissions or {}
        required = self._ctx.registry.required_scopes(info.operations)
        if self._ctx.settings.uses_oauth:
            token = token_health(await self._ctx.clients.tokens.get(self.owner_id), self.owner_id)
        else:
            token = {"status": "valid", "message": "calls use the configured Front API token"}
        return {
            "ownerId": self.owner_id,
            "operations": list(info.operations),
            "requiredScopes": required,
            "missingScopes": checked.get("missingScopes", []),
            "verifiedScopes": checked.get("verifiedScopes", []),
            "unverifiedScopes": checked.get("unverifiedScopes", required),
            "checkedAt": iso(checked.get("checkedAt")),
            "problems": checked.get("problems", []),
            "token": token,
            "company": info.company_id,
            "companyName": info.company_name,
            "createdAt": iso(info.created_at),
            "warnings": [
                w.model_dump() for w in await self._owner_fields.warnings(info.field_mapping)
            ],
        }

    async def field_mapping(self, *, read: bool = True) -> dict[str, Any]:
        """The host's declared keys, the owner's choices, the owner's Front custom fields per
        model (read from Front now; ``read=False``: as last read) and what cannot be mapped;
        each key lists the fields of a suitable type (``choices``)."""
        return await self._owner_fields.describe(read=read)

    async def set_field_mapping(self, mapping: Any) -> dict[str, Any]:
        """Replace the owner's choices: ``{"<model>": {"<key>": "<Front custom field name or
        id>" or None}}`` (None: not mapped for this owner, whatever the host's default); a
        key left out follows the host's default. Answers as :meth:`field_mapping`."""
        return await self._owner_fields.replace(mapping)

    async def check_field_mapping(self) -> list[RecordWarning]:
        """Read Front's custom field definitions of the models with declared keys and say
        (in the log, and from now on in :meth:`status`) what cannot be mapped."""
        return await self._owner_fields.check()

    @property
    def _owner_fields(self) -> OwnerFieldMapping:
        return OwnerFieldMapping(self._ctx)

    async def disconnect(self) -> dict[str, Any]:
        """Revoke the tokens (where a revocation endpoint is configured), then delete them and
        the connection whatever Front said; says what was done."""
        clients, owner = self._ctx.clients, self.owner_id
        tokens = await clients.tokens.get(owner)
        revoked = False
        url = self._ctx.settings.revoke_url
        if tokens is None:
            note = "no tokens were stored"
        elif url is None:
            note = (
                "Front has no token revocation endpoint: the stored tokens were deleted; the "
                "app stays listed in Front's settings until an admin removes it there"
            )
        else:
            try:
                await clients.flow.revoke(url, tokens)
                revoked = True
                note = "the tokens were revoked at Front and deleted"
            except UpstreamError as exc:
                note = f"revoking failed ({exc.message}); the stored tokens were deleted anyway"
        await clients.tokens.delete(owner)
        had_connection = await self._ctx.connections.delete(owner)
        await self._ctx.field_mappings.definitions.forget(owner)
        await clients.aclose(owner)
        logger.info("owner %s disconnected: %s", owner, note)
        return {
            "ownerId": owner,
            "disconnected": had_connection or tokens is not None,
            "revoked": revoked,
            "tokensDeleted": tokens is not None,
            "message": note,
        }

    async def subscribed(self, model: str) -> bool:
        """Whether the connection receives ``model``'s events (``model::events``)."""
        try:
            mapper = self._ctx.registry.get(model)
        except NotFoundError:
            return False
        if not mapper.has_events:
            return False
        info = await self._ctx.connections.get(self.owner_id)
        if info is None:
            return not self._ctx.settings.uses_oauth  # an API token is its own authority
        return f"{model}::{EVENTS}" in info.operations

    async def company(self) -> str | None:
        """The Front company (``cmp_``) of the owner's account, learnt once from ``GET /me``."""
        info = await self._ctx.connections.get(self.owner_id)
        if info is not None and info.company_id:
            return info.company_id
        return await self.learn_company()

    async def learn_company(self) -> str | None:
        """Ask Front's ``GET /me`` which company the owner's account belongs to, and keep its
        id and name with the connection (after an authorization: the customer may have
        connected another Front account); None when Front did not say."""
        try:
            with operating("company", self.owner_id):
                me = await self._ctx.client.request("GET", "/me")
        except ConnectorError as exc:
            logger.warning("could not learn the Front company of owner %s: %s", self.owner_id, exc)
            return None
        company = me.get("id") if isinstance(me, dict) else None
        if not isinstance(company, str) or not company:
            return None
        name = me.get("name") if isinstance(me, dict) else None
        name = name.strip() if isinstance(name, str) and name.strip() else None
        if await self._ctx.connections.get(self.owner_id) is not None:
            await self._ctx.connections.set_company(self.owner_id, company, name)
        self._ctx.clients.company_learnt(self.owner_id, company)
        return company

    def resources(self, model: str) -> Resources:
        return Resources(self._ctx, self._ctx.registry.get(model))

    def watch(self, model: str) -> Resources:
        """``model`` read for event sync and enrichment: every call runs as ``model::events``
        (its grant and its endpoints), so a connection needs no list / retrieve grant for it."""
        return Resources(self._ctx, self._ctx.registry.get(model), as_operation=EVENTS)

    async def activity(
        self, model: str, *, after: float | None, types: Collection[str] = ()
    ) -> AsyncIterator[list[FrontJSON]]:
        """Front's activity log (Events API) oldest first from ``after`` (of ``types`` only,
        when given), a page at a time, as ``model::events``."""
        admission = await self.watch(model).admit("list")
        async for page in front_event_pages(admission.api, after=after, types=types):
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
        with operating("proxy", self.owner_id):
            return await self._proxy(method, path, params, content, headers, link_base)

    async def _proxy(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        link_base: str | None,
    ) -> httpx.Response:
        clean = check_proxy_path(path)
        method = method.upper()
        check_proxy_grant(
            method,
            clean,
            await self._ctx.grants(),
            self._ctx.registry,
            allow_unknown=self._ctx.settings.proxy_allow_unknown_paths,
        )
        client = self._ctx.client
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


@dataclass(frozen=True)
class Admission:
    """An operation admitted for one call: supported, granted (the connection read once),
    and ``api``, Front held to the endpoints of the grant it runs under. A host admits before
    reading a request's body, then hands the admission to the call."""

    operation: str
    """The operation admitted (``create``)."""
    operation_id: str
    """The grant it runs under (``genericContact::create``; ``...::events`` when watching)."""
    owner_id: str
    api: FrontApi
    info: ConnectionInfo | None
    """The connection as the admission read it (its field mapping choices); None in API-token
    mode without a stored connection."""


class Resources:
    """list / retrieve / create / update / delete on one unified model. Each call admits its
    operation first, or runs on the :class:`Admission` it is given (see :meth:`admit`)."""

    def __init__(
        self, context: OwnerContext, mapper: Mapper, *, as_operation: str | None = None
    ) -> None:
        self._ctx = context
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
        omit: Iterable[str] = (),
        admission: Admission | None = None,
    ) -> RecordPage:
        """One page: the first, or the one at ``cursor`` (a page's ``next``). ``omit`` names
        fields to leave out of the records: related ones (ticketIssue ``project``,
        ticketProject ``members``) then cost no request."""
        with self._operating("list"):
            admitted = await self._admitted("list", admission)
            query = self._query(limit, cursor, filters, omit)
            listed = await self._mapper.list(admitted.api, query)
            return self._page(listed, await self._mapping(admitted), raw, query.omit)

    async def pages(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        filters: Mapping[str, str] | None = None,
        raw: bool = False,
        omit: Iterable[str] = (),
        admission: Admission | None = None,
    ) -> AsyncIterator[RecordPage]:
        """Every page from ``cursor`` (or the first) to the last, as one operation: the grant
        is read once for the whole listing. Each page's ``next`` resumes after it."""
        admitted = await self._admitted("list", admission)
        query, api = self._query(limit, cursor, filters, omit), admitted.api
        mapping = await self._mapping(admitted)

        async def page(at: str | None) -> MappedList:
            with self._operating("list"):  # one span a page: a generator's span would leak
                return await self._mapper.list(api, replace(query, cursor=at))

        listing = follow(
            page,
            lambda listed: listed.next_cursor,
            where=f"{self.model}::list",
            start=query.cursor,
        )
        async with aclosing(listing):
            async for listed in listing:
                yield self._page(listed, mapping, raw, query.omit)

    def _query(
        self,
        limit: int | None,
        cursor: str | None,
        filters: Mapping[str, str] | None,
        omit: Iterable[str],
    ) -> ListQuery:
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(
                f"limit must be between 1 and {MAX_LIMIT} (Front's page size), got {limit}",
                fields=["limit"],
            )
        ctx = self._ctx
        return ListQuery(
            limit,
            ctx.cursors.decode(self.model, cursor),
            dict(filters or {}),
            omit=self._omitted(omit),
            walks=OwnerWalks(ctx.walks, ctx.owner_id),
        )

    def _page(
        self, listed: MappedList, mapping: RecordMapping, raw: bool, omit: frozenset[str]
    ) -> RecordPage:
        records = front_records(self._mapper, listed.items, mapping, raw=raw)
        for record in records if omit else ():
            for name in omit:
                record.fields.pop(name, None)
        return RecordPage(
            data=records, next=self._ctx.cursors.encode(self.model, listed.next_cursor)
        )

    def _omitted(self, omit: Iterable[str]) -> frozenset[str]:
        """The fields to leave out; a name the model does not have is a 400."""
        names = frozenset(omit)
        known = set(self._mapper.fields_model.model_fields)
        unknown = sorted(names - known)
        if unknown:
            raise InvalidInputError(
                f"{self.model} has no field {', '.join(unknown)} to omit; its fields: "
                f"{', '.join(sorted(known))}",
                fields=[f"omit.{name}" for name in unknown],
            )
        return names

    async def retrieve(
        self, record_id: str, *, raw: bool = False, admission: Admission | None = None
    ) -> Record:
        with self._operating("retrieve"):
            admitted = await self._admitted("retrieve", admission, record_id=record_id)
            item = await self._mapper.retrieve(admitted.api, record_id)
            return front_record(self._mapper, item, await self._mapping(admitted), raw=raw)

    async def from_event(self, front: FrontJSON, memory: EventMemory) -> Record:
        """The record of a Front object an event carried in full: what else it needs (a
        conversation's inboxes) comes from ``memory``, read from Front only when it has none."""
        admitted = await self.admit("retrieve", record_id=str(front.get("id") or ""))
        item = await self._mapper.event_item(admitted.api, front, memory)
        return front_record(self._mapper, item, await self._mapping(admitted), raw=False)

    async def create(
        self, fields: object, *, raw: bool = False, admission: Admission | None = None
    ) -> Record:
        with self._operating("create"):
            admitted = await self._admitted("create", admission)
            mapping = await self._mapping(admitted)
            standard, custom = parse_write(self._mapper, fields, mapping, operation="create")
            item = await self._mapper.create(admitted.api, standard, custom)
            return front_record(self._mapper, item, mapping, raw=raw)

    async def update(
        self,
        record_id: str,
        fields: object,
        *,
        raw: bool = False,
        admission: Admission | None = None,
    ) -> Record:
        with self._operating("update"):
            admitted = await self._admitted("update", admission, record_id=record_id)
            mapping = await self._mapping(admitted)
            standard, custom = parse_write(self._mapper, fields, mapping, operation="update")
            item = await self._mapper.update(admitted.api, record_id, standard, custom)
            return front_record(self._mapper, item, mapping, raw=raw)

    async def delete(
        self, record_id: str, *, permanent: bool = False, admission: Admission | None = None
    ) -> None:
        with self._operating("delete"):
            admitted = await self._admitted("delete", admission, record_id=record_id)
            await self._mapper.delete(admitted.api, record_id, permanent=permanent)

    async def custom_fields(self) -> builtins.list[CustomFieldDefinition]:
        """The Front custom fields this model can map, for a host's field-mapping screen,
        read from Front now (and kept: the owner's mapping is checked against them); the
        connection needs some operation on the model."""
        check_grant(self._ctx, self._mapper, await self._ctx.grants())
        with self._operating("custom_fields"):
            definitions = await read_definitions(self._ctx, self._mapper)
        return [CustomFieldDefinition.model_validate(f.to_json()) for f in definitions.fields]

    async def mapping_problems(self) -> builtins.list[RecordWarning]:
        """The owner's declared keys of this model that cannot be read or written, and why,
        against the definitions last read (no request to Front when they are fresh)."""
        mapping = await self._owner_mapping(await self._ctx.info())
        return [] if mapping is None else mapping.problems()

    async def _mapping(self, admitted: Admission) -> RecordMapping:
        """What records of this model are read and written through, for this call."""
        return await self._owner_mapping(admitted.info) or NONE

    async def _owner_mapping(self, info: ConnectionInfo | None) -> OwnerMapping | None:
        """The owner's mapping of this model's declared keys (None: no key declared), with the
        choices ``info`` (the connection as read) holds."""
        mappings = self._ctx.field_mappings
        if not mappings.declares(self.model):
            return None
        stored = info.field_mapping if info is not None else None
        definitions = await definitions_for(self._ctx, self._mapper)
        return mappings.owner_mapping(self.model, self._ctx.owner_id, stored, definitions)

    async def admit(self, operation: str, *, record_id: str | None = None) -> Admission:
        """Refuse an unsupported (501) or ungranted (403) operation, then a foreign id (400),
        before reading anything else of its input; the admission, for the call to run on
        (``admission=``: the connection is then read once for the call). Admitting changes
        nothing else: a call given no admission admits itself."""
        if not self._mapper.supports(operation):
            raise self._mapper.unsupported_error(operation)
        grant = self._grant(operation)
        operation_id, info = f"{self.model}::{grant}", await self._ctx.info()
        grants = None if info is None else info.operations
        if grants is not None and operation_id not in grants:
            raise OperationNotGrantedError(
                f"{operation_id} was not requested when the connection for {self._ctx.owner_id!r} "
                f"was created (it has: {', '.join(grants)}); recreate the connection with it "
                "and authorize again so the app's scopes cover it"
            )
        if record_id is not None:
            self._mapper.check_id(record_id)
        api = self._api(operation_id, self._mapper.endpoints[grant])
        return Admission(operation, operation_id, self._ctx.owner_id, api, info)

    async def _admitted(
        self, operation: str, admission: Admission | None, *, record_id: str | None = None
    ) -> Admission:
        """The admission one call of ``operation`` runs on: ``admission`` when given (it must
        be this owner's admission of this operation), else a new one."""
        if admission is None:
            return await self.admit(operation, record_id=record_id)
        expected = f"{self.model}::{self._grant(operation)}"
        if (admission.operation, admission.operation_id, admission.owner_id) != (
            operation,
            expected,
            self._ctx.owner_id,
        ):
            raise ValueError(
                f"an admission of {admission.operation_id} for {admission.owner_id!r} cannot run "
                f"{expected} ({operation}) for {self._ctx.owner_id!r}; admit that operation"
            )
        if record_id is not None:
            self._mapper.check_id(record_id)
        return admission

    def _operating(self, operation: str) -> AbstractContextManager[object]:
        """The operation's span, and the work its Front requests and log lines count for
        (a watching view's calls count as ``events``)."""
        return operating(f"{self.model}::{self._as_operation or operation}", self._ctx.owner_id)

    def _grant(self, operation: str) -> str:
        """The grant an operation runs under: itself, or ``events`` for a watching view."""
        grant = self._as_operation or operation
        if not self._mapper.supports(grant):
            raise self._mapper.unsupported_error(grant)
        return grant

    def _api(self, operation_id: str, endpoints: Iterable[str]) -> FrontApi:
        """Front held to ``endpoints``: nothing else an operation may reach (see guard.py)."""
        client = self._ctx.client
        return GuardedApi(
            client, operation_id, endpoints, relative=client.hosts.relative, names=self._ctx.names
        )
