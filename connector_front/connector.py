"""The plugin object a unified-API host loads (entry point ``unified_api.connectors: front``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from connector_front.auth import (
    BearerAuth,
    OAuthFlow,
    OAuthSettings,
    SQLiteStateStore,
    SQLiteTokenStore,
    StaticTokenAuth,
    TokenManager,
)
from connector_front.connect_session import SessionCodec
from connector_front.connection import Connection, ConnectionDetails
from connector_front.connections import ConnectionInfo, ConnectionStore
from connector_front.cursor import CursorCodec, cursor_keys
from connector_front.errors import (
    AuthorizationRequiredError,
    ConfigurationError,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    OperationNotGrantedError,
    UpstreamError,
)
from connector_front.events.builder import EventBuilder
from connector_front.events.log import EventLog
from connector_front.events.outbound import EventPusher
from connector_front.events.processor import DeliveryProcessor
from connector_front.field_mapping import FieldMapping
from connector_front.health import iso, token_health
from connector_front.manifest import Manifest, build_manifest
from connector_front.mappers.base import EVENTS, Mapper
from connector_front.models.event import EventPage, UnifiedEvent
from connector_front.permissions import PermissionReport, check_permissions
from connector_front.registry import ModelRegistry, load_mapper
from connector_front.settings import ConnectorSettings
from connector_front.sync import Progress, SyncEngine, SyncReport
from connector_front.transport import FrontClient, RetryPolicy
from connector_front.webhooks import DeliveryQueue, WebhookIntake

Job = Callable[[], Coroutine[Any, Any, None]]

logger = logging.getLogger("connector_front")


class FrontConnector:
    """Front behind unified models: connections, OAuth, operations, proxy.

    One instance serves many owners; each owner gets its own HTTP client and token manager.
    """

    id = "front"

    def __init__(
        self,
        settings: ConnectorSettings | None = None,
        *,
        registry: ModelRegistry | None = None,
    ) -> None:
        self.settings = settings or ConnectorSettings.load()
        self.registry = registry or ModelRegistry()
        for spec in self.settings.custom_models:
            self.registry.register(load_mapper(spec, self.settings.module_dirs))
        self.field_mapping = FieldMapping(self.settings.field_mapping)
        self._check_mapping()
        database = Path(self.settings.database)
        self.tokens = SQLiteTokenStore(database)
        self.states = SQLiteStateStore(database)
        self.connections = ConnectionStore(database)
        self.event_log = EventLog(database, outbox=self.settings.events_url is not None)
        self.event_builder = EventBuilder(self)
        self.deliveries = DeliveryQueue(database)
        self.processor = DeliveryProcessor(self, self.deliveries)
        self.webhooks = WebhookIntake(self.settings, self.deliveries, stored=self.processor.wake)
        self.pusher = self._pusher()
        if self.pusher is not None:
            self.event_log.appended = self.pusher.wake
        self.syncer = SyncEngine(self)
        keys = cursor_keys(self.settings)
        self.cursors = CursorCodec(keys)
        self.sessions = SessionCodec(keys, ttl=self.settings.connect_session_ttl)
        """Connect page sessions, signed with the cursor key (each under its own domain tag)."""
        self._flow: OAuthFlow | None = None
        self._clients: dict[str, FrontClient] = {}
        self._managers: dict[str, TokenManager] = {}

    # -- the host-facing surface -------------------------------------------------------

    def manifest(self) -> Manifest:
        return build_manifest(self.registry)

    def register_model(self, mapper: Mapper) -> None:
        """Add a custom unified model served by the host's own mapper."""
        self.registry.register(mapper)
        self._check_mapping()

    def connection(self, owner_id: str) -> Connection:
        return Connection(self, owner_id)

    async def complete_authorization(self, code: str, state: str) -> str:
        """Finish OAuth from the callback: consume the state, store tokens, learn the
        company and check the granted read operations' scopes; the owner id."""
        owner_id, _ = await self.flow.complete(code, state)
        await self.company_of(owner_id)
        await self.check_permissions(owner_id)
        return owner_id

    async def authorization_origin(self, state: str) -> str | None:
        """What started the authorization ``state`` belongs to (None: unknown or none)."""
        return await self.states.origin(state)

    async def consume_state(self, state: str) -> str:
        """Use up ``state`` without finishing (the customer refused); its owner id."""
        return await self.states.consume(state)

    async def check_permissions(self, owner_id: str) -> PermissionReport | None:
        """Probe each granted read operation with one record and keep which scopes Front
        refused (None when the owner has no connection)."""
        info = await self.connections.get(owner_id)
        if info is None:
            return None
        client = await self.client(owner_id)
        report = await check_permissions(client, self.registry, info.operations)
        await self.connections.set_permissions(owner_id, report.to_json())
        if report.missing:
            logger.warning(
                "owner %s: Front refused scope(s) %s", owner_id, ", ".join(report.missing)
            )
        return report

    async def connection_status(self, owner_id: str) -> dict[str, Any] | None:
        """Operations, scopes needed / found missing / unverified, token health and company
        of the owner's connection; None when there is none. Never a token."""
        info = await self.connections.get(owner_id)
        if info is None:
            return None
        checked = info.permissions or {}
        required = self.registry.required_scopes(info.operations)
        if self.settings.uses_oauth:
            token = token_health(await self.tokens.get(owner_id), owner_id)
        else:
            token = {"status": "valid", "message": "calls use the configured Front API token"}
        return {
            "ownerId": owner_id,
            "operations": list(info.operations),
            "requiredScopes": required,
            "missingScopes": checked.get("missingScopes", []),
            "verifiedScopes": checked.get("verifiedScopes", []),
            "unverifiedScopes": checked.get("unverifiedScopes", required),
            "checkedAt": iso(checked.get("checkedAt")),
            "problems": checked.get("problems", []),
            "token": token,
            "company": info.company_id,
            "createdAt": iso(info.created_at),
        }

    async def disconnect(self, owner_id: str) -> dict[str, Any]:
        """Revoke the owner's tokens (where a revocation endpoint is configured), then delete
        them and the connection whatever Front said; says what was done."""
        tokens = await self.tokens.get(owner_id)
        revoked = False
        url = self.settings.revoke_url
        if tokens is None:
            note = "no tokens were stored"
        elif url is None:
            note = (
                "Front has no token revocation endpoint: the stored tokens were deleted; the "
                "app stays listed in Front's settings until an admin removes it there"
            )
        else:
            try:
                await self.flow.revoke(url, tokens)
                revoked = True
                note = "the tokens were revoked at Front and deleted"
            except UpstreamError as exc:
                note = f"revoking failed ({exc.message}); the stored tokens were deleted anyway"
        await self.tokens.delete(owner_id)
        had_connection = await self.connections.delete(owner_id)
        client = self._clients.pop(owner_id, None)
        self._managers.pop(owner_id, None)
        if client is not None:
            await client.aclose()
        logger.info("owner %s disconnected: %s", owner_id, note)
        return {
            "ownerId": owner_id,
            "disconnected": had_connection or tokens is not None,
            "revoked": revoked,
            "tokensDeleted": tokens is not None,
            "message": note,
        }

    # -- events ------------------------------------------------------------------------

    async def events(
        self,
        *,
        after: str | None = None,
        limit: int = 100,
        owner_id: str | None = None,
        model: str | None = None,
    ) -> EventPage:
        """Unified events oldest first after position ``after`` (``next`` of a previous page)."""
        if model is not None:
            self.registry.get(model)
        return await self.event_log.read(after=after, limit=limit, owner_id=owner_id, model=model)

    async def event_stream(
        self,
        *,
        after: str | None = None,
        owner_id: str | None = None,
        model: str | None = None,
        poll_interval: float = 1.0,
    ) -> AsyncIterator[UnifiedEvent]:
        """Every event after ``after``, then each new one as it is recorded (until cancelled)."""
        while True:
            page = await self.events(after=after, limit=500, owner_id=owner_id, model=model)
            for event in page.data:
                yield event
            after = page.next
            if not page.data:
                await asyncio.sleep(poll_interval)

    async def sync(
        self,
        owner_id: str | None = None,
        models: Sequence[str] | None = None,
        progress: Progress | None = None,
        *,
        full: bool = False,
    ) -> SyncReport:
        """One event-sync pass (``owner_id`` None: every connection with an ``::events`` grant).

        Found changes land in the event log; the report says, per owner and model, what was
        read and emitted. ``full`` forces the full id listing (the deletion check).
        """
        return await self.syncer.run(
            owner_id=owner_id, models=models, progress=progress, full=full
        )

    async def subscribed(self, owner_id: str, model: str) -> bool:
        """Whether the owner's connection receives ``model``'s events (``model::events``)."""
        try:
            mapper = self.registry.get(model)
        except NotFoundError:
            return False
        if not mapper.supports(EVENTS) or mapper.changes is None:
            return False
        info = await self.connections.get(owner_id)
        if info is None:
            return not self.settings.uses_oauth  # an API token is its own authority
        return f"{model}::{EVENTS}" in info.operations

    async def company_of(self, owner_id: str) -> str | None:
        """The Front company (``cmp_``) of the owner's account, learnt once from ``GET /me``."""
        info = await self.connections.get(owner_id)
        if info is not None and info.company_id:
            return info.company_id
        try:
            me = await (await self.client(owner_id)).request("GET", "/me")
        except ConnectorError as exc:
            logger.warning("could not learn the Front company of owner %s: %s", owner_id, exc)
            return None
        company = me.get("id") if isinstance(me, dict) else None
        if not isinstance(company, str) or not company:
            return None
        if info is not None:
            await self.connections.set_company(owner_id, company)
        return company

    def background(self) -> list[Job]:
        """What a host runs beside its server: webhook processing and, if set, event pushing."""
        jobs: list[Job] = [self.processor.run_forever]
        if self.pusher is not None:
            jobs.append(self.pusher.run_forever)
        return jobs

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()
        if self.pusher is not None:
            await self.pusher.aclose()

    async def __aenter__(self) -> FrontConnector:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- what connections use ----------------------------------------------------------

    @property
    def flow(self) -> OAuthFlow:
        if self._flow is None:
            s = self.settings
            if not s.client_id or s.client_secret is None:
                raise ConfigurationError(
                    "OAuth needs the Front app's client id and secret: set FRONT_CLIENT_ID and "
                    "FRONT_CLIENT_SECRET (or client_id / client_secret in the config file), "
                    "or set FRONT_API_TOKEN to use an API token instead"
                )
            self._flow = OAuthFlow(
                OAuthSettings(
                    client_id=s.client_id,
                    client_secret=s.client_secret.get_secret_value(),
                    authorize_url=s.authorize_url,
                    token_url=s.token_url,
                    redirect_uri=s.redirect_uri,
                ),
                self.tokens,
                self.states,
            )
        return self._flow

    async def create_connection(
        self, owner_id: str, operations: Sequence[str]
    ) -> ConnectionDetails:
        if isinstance(operations, str) or not operations:
            raise InvalidInputError(
                'operations must be a non-empty list such as ["genericContact::list"]',
                fields=["operations"],
            )
        for operation_id in operations:
            mapper, operation = self.registry.parse_operation(operation_id)
            if not mapper.supports(operation):
                raise mapper.unsupported_error(operation)
        unique = tuple(dict.fromkeys(operations))
        info = await self.connections.put(owner_id, unique)
        scopes = tuple(self.registry.required_scopes(unique))
        return ConnectionDetails(owner_id, info.operations, scopes)

    async def authorization_url(self, owner_id: str, origin: str | None = None) -> str | None:
        if not self.settings.uses_oauth:
            return None
        return await self.flow.authorization_url(owner_id, origin)

    async def check_connected(self, owner_id: str) -> ConnectionInfo | None:
        """The owner's connection; without one, OAuth mode has nothing to call Front with."""
        info = await self.connections.get(owner_id)
        if info is None and self.settings.uses_oauth:
            raise AuthorizationRequiredError(
                f"owner {owner_id!r} has no connection; create one with the operations it "
                "needs, then authorize it"
            )
        return info

    async def check_granted(self, owner_id: str, operation_id: str) -> None:
        """An operation must have been asked for when the connection was created."""
        info = await self.check_connected(owner_id)
        if info is None:
            return  # API-token mode without a connection: the token itself is the authority
        if operation_id not in info.operations:
            raise OperationNotGrantedError(
                f"{operation_id} was not requested when the connection for {owner_id!r} was "
                f"created (it has: {', '.join(info.operations)}); recreate the connection with "
                "it and authorize again so the app's scopes cover it"
            )

    async def client(self, owner_id: str) -> FrontClient:
        """The owner's HTTP client (one per connection), created on first use."""
        if owner_id not in self._clients:
            self._clients[owner_id] = FrontClient(
                self.settings.api_base,
                self._auth(owner_id),
                timeout=self.settings.timeout,
                retry=RetryPolicy(max_attempts=self.settings.max_attempts),
            )
        return self._clients[owner_id]

    def _auth(self, owner_id: str) -> httpx.Auth:
        if self.settings.api_token is not None:
            return StaticTokenAuth(self.settings.api_token.get_secret_value())
        if owner_id not in self._managers:
            self._managers[owner_id] = TokenManager(owner_id, self.flow, self.tokens)
        return BearerAuth(self._managers[owner_id])

    def _pusher(self) -> EventPusher | None:
        url, secret = self.settings.events_url, self.settings.events_secret
        if url is None:
            return None
        if secret is None:
            raise ConfigurationError(
                "events_url is set but events_secret is not: give the Standard Webhooks secret "
                "(whsec_...) the receiver verifies with (CONNECTOR_FRONT_EVENTS_SECRET)"
            )
        try:
            return EventPusher(self.event_log, url, secret.get_secret_value())
        except Exception:
            raise ConfigurationError(
                "events_secret is not a usable Standard Webhooks secret: expected 'whsec_' "
                "followed by base64"
            ) from None

    def _check_mapping(self) -> None:
        """Mapped keys must name a known model and not shadow a field Front already fills."""
        for model in self.field_mapping.models():
            mapper = self.registry.get(model)
            if mapper.custom_fields_endpoint is None:
                raise ConfigurationError(
                    f"field mapping for {model}: a Front {mapper.front_object} has no custom "
                    "fields, so mapped keys could be neither read nor written; remove "
                    f"[connector_front.field_mapping.{model}]"
                )
            known = set(mapper.fields_model.model_fields) - set(mapper.mappable_fields)
            clashes = sorted(set(self.field_mapping.for_model(model)) & known)
            if clashes:
                raise ConfigurationError(
                    f"field mapping for {model} maps {', '.join(clashes)}, which Front already "
                    "fills; map custom fields to new keys (or to fields Front lacks, such as "
                    f"{', '.join(sorted(mapper.mappable_fields)) or 'none for this model'})"
                )
