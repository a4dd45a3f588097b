"""The plugin object a unified-API host loads (entry point ``unified_api.connectors: front``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import Any

from connector_front.auth import DatabaseStateStore, DatabaseTokenStore, TokenCipher
from connector_front.connect_session import SessionCodec
from connector_front.connection import Connection
from connector_front.context import FrontClients, OwnerContext
from connector_front.cursor import CursorCodec, cursor_keys
from connector_front.errors import ConfigurationError
from connector_front.events.builder import EventBuilder
from connector_front.events.log import EventLog
from connector_front.events.outbound import EventPusher
from connector_front.events.processor import DeliveryProcessor
from connector_front.events.stream import EventStream
from connector_front.field_mapping.declared import Declarations, declarations
from connector_front.field_mapping.service import FieldMappings
from connector_front.field_mapping.stored import DefinitionStore
from connector_front.grants.permissions import PermissionReport, check_permissions
from connector_front.manifest import Manifest, build_manifest
from connector_front.mappers.base import Mapper
from connector_front.mappers.walks import WalkMemory
from connector_front.models.event import EventPage, UnifiedEvent
from connector_front.observe import operating
from connector_front.readings import Figures, database_problems, read_figures
from connector_front.registry import ModelRegistry, load_mapper
from connector_front.settings import ConnectorSettings
from connector_front.store import LazyDatabase
from connector_front.store.connections import ConnectionStore
from connector_front.store.database import parse_database
from connector_front.store.name_splits import DatabaseNameSplits
from connector_front.store.pacing import DatabasePacingState, MemoryPacingState, PacingState
from connector_front.store.walk_notes import DatabaseWalkNotes
from connector_front.sync import Progress, SyncEngine, SyncReport
from connector_front.util.redaction import install_log_redaction
from connector_front.webhooks import DeliveryQueue, WebhookIntake

Job = Callable[[], Coroutine[Any, Any, None]]


def named_job(name: str, run: Job) -> Job:
    """``run`` as a job whose ``__name__`` is ``name`` (how a host names its task)."""

    async def job() -> None:
        await run()

    job.__name__ = job.__qualname__ = name
    return job

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
        shared_database: bool | None = None,
    ) -> None:
        """``shared_database``: whether other processes serve from the same database (the
        workers of ``serve --workers N`` say so); None: on PostgreSQL only."""
        install_log_redaction()  # its URLs reach httpx's log, with or without a host around it
        self.settings = settings or ConnectorSettings.load()
        self.registry = registry or ModelRegistry()
        for spec in self.settings.custom_models:
            self.registry.register(load_mapper(spec, self.settings.module_dirs))
        self.database = LazyDatabase(self.settings.database)
        """The one database every store shares, opened (and migrated) on first use."""
        self.field_mappings = FieldMappings(
            self._declarations(),
            DefinitionStore(self.database, ttl=self.settings.custom_fields_ttl),
            {mapper.model: mapper.front_object for mapper in self.registry},
        )
        """The host's declared keys, Front's custom field definitions per owner, and each
        owner's mapping of the keys."""
        if shared_database is None:
            shared_database = parse_database(self.settings.database)[0] == "postgresql"
        self._shared_database = shared_database
        self.tokens = DatabaseTokenStore(self.database, cipher=self._token_cipher())
        self.states = DatabaseStateStore(self.database)
        self.connections = ConnectionStore(self.database)
        self.pacing: PacingState = (
            DatabasePacingState(self.database) if self._shared_pacing() else MemoryPacingState()
        )
        """Rate-limit budgets by Front company: in the database, every worker shares them."""
        self.clients = FrontClients(
            self.settings,
            self.tokens,
            self.states,
            pacing=self.pacing,
            company_of=self._company_of,
        )
        self.walks = WalkMemory(
            shared=DatabaseWalkNotes(self.database) if self._several_processes() else None
        )
        """What listings remember between pages: here, and in the database where other
        processes may serve their next pages."""
        self.event_log = EventLog(self.database, outbox=self.settings.events_url is not None)
        self.event_builder = EventBuilder(self.event_log, self.connection)
        self.streams = EventStream(self, self.database)
        """Each owner's Events-API stream, read by webhook processing and by sync."""
        self.deliveries = DeliveryQueue(self.database, lease=self.settings.claim_lease)
        self.processor = DeliveryProcessor(self, self.deliveries)
        self.webhooks = WebhookIntake(self.settings, self.deliveries, stored=self.processor.wake)
        self.pusher = self._pusher()
        if self.pusher is not None:
            self.event_log.appended = self.pusher.wake
        self.syncer = SyncEngine(self, self.database)
        keys = cursor_keys(self.settings)
        self.cursors = CursorCodec(keys)
        self.sessions = SessionCodec(keys, ttl=self.settings.connect_session_ttl)
        """Connect page sessions, signed with the cursor key (each under its own domain tag)."""

    # -- the host-facing surface -------------------------------------------------------

    def manifest(self) -> Manifest:
        return build_manifest(self.registry, self.field_mappings.declared)

    def register_model(self, mapper: Mapper) -> None:
        """Add a custom unified model served by the host's own mapper."""
        self.registry.register(mapper)
        self.field_mappings = FieldMappings(
            self._declarations(),
            self.field_mappings.definitions,
            {mapper.model: mapper.front_object for mapper in self.registry},
        )

    async def _company_of(self, owner_id: str) -> str | None:
        """The Front company of the owner's connection, once learnt (None before)."""
        info = await self.connections.get(owner_id)
        return None if info is None else info.company_id

    def connection(self, owner_id: str) -> Connection:
        """The owner's connection, handed the context it works with (it never calls back)."""
        shared = (self.settings, self.registry, self.field_mappings, self.cursors, self.connections)
        names = DatabaseNameSplits(self.database, owner_id)
        return Connection(OwnerContext(owner_id, *shared, self.clients, self.walks, names))

    async def complete_authorization(
        self, code: str, state: str, *, binding: str | None = None
    ) -> str:
        """Finish OAuth from the callback: consume the state (presenting the ``binding`` it
        was started with, if any), store the tokens, give the connection the operations that
        waited for this consent, learn the company and check the granted read operations'
        scopes; the owner id."""
        pending, _ = await self.clients.flow.complete(code, state, binding=binding)
        owner_id = pending.owner_id
        if pending.operations is not None:
            await self.connections.put(owner_id, pending.operations)
        connection = self.connection(owner_id)
        await connection.learn_company()
        await self.check_permissions(owner_id)
        await connection.check_field_mapping()
        return owner_id

    async def authorization_origin(self, state: str) -> str | None:
        """What started the authorization ``state`` belongs to (None: unknown or none)."""
        return await self.states.origin(state)

    async def consume_state(self, state: str, *, binding: str | None = None) -> str:
        """Use up ``state`` without finishing (the customer refused); its owner id. The
        operations waiting for the consent are dropped."""
        return (await self.states.consume(state, binding=binding)).owner_id

    async def check_permissions(self, owner_id: str) -> PermissionReport | None:
        """Probe each granted read operation with one record and keep which scopes Front
        refused (None when the owner has no connection)."""
        info = await self.connections.get(owner_id)
        if info is None:
            return None
        with operating("permissions", owner_id):
            client = self.clients.get(owner_id)
            report = await check_permissions(client, self.registry, info.operations)
        await self.connections.set_permissions(owner_id, report.to_json())
        if report.missing:
            logger.warning(
                "owner %s: Front refused scope(s) %s", owner_id, ", ".join(report.missing)
            )
        return report

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
        return await self.syncer.run(owner_id=owner_id, models=models, progress=progress, full=full)

    def background(self) -> list[Job]:
        """What a host runs beside its server: webhook processing and, if set, event pushing
        (each job named, for the host's readiness)."""
        jobs: list[Job] = [named_job("webhook_processor", self.processor.run_forever)]
        if self.pusher is not None:
            jobs.append(named_job("event_pusher", self.pusher.run_forever))
        return jobs

    async def figures(self) -> Figures:
        """What the shared database says now: connections by token health, the webhook
        queue, the outbox (the host's /metrics, ``connector-front status``)."""
        return await read_figures(
            self.database, now=time.time(), tokens=self.settings.uses_oauth
        )

    async def problems(self) -> dict[str, str | None]:
        """What keeps this connector from serving, by check (None: fine): the database
        reachable, its migrations applied (the host's /readyz)."""
        return await database_problems(self.database)

    async def astart(self) -> None:
        """Connect to the database and bring its schema up to date, before serving: an
        unreachable server fails the start, not the first request."""
        await self.database.opened()

    async def aclose(self) -> None:
        await self.clients.aclose()
        if self.pusher is not None:
            await self.pusher.aclose()
        await self.database.close()

    async def __aenter__(self) -> FrontConnector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _shared_pacing(self) -> bool:
        """Whether budgets live in the database: asked for, or ``auto`` where several processes
        share the database. One process keeps them in memory: the same sharing between its
        connections, without a database write per request."""
        wanted = self.settings.pacing
        return wanted == "shared" or (wanted == "auto" and self._shared_database)

    def _several_processes(self) -> bool:
        """Whether other processes may serve this database's listings: where they share the
        database (whatever the pacing), and with ``pacing = "shared"``. One process alone keeps
        walk notes in memory, without a write per page."""
        return self._shared_database or self.settings.pacing == "shared"

    def _token_cipher(self) -> TokenCipher:
        """Encrypts stored tokens with the configured keys; without one, says so once."""
        cipher = TokenCipher(self.settings.encryption_keys)
        if not cipher.encrypts and self.settings.uses_oauth:
            logger.warning(
                "OAuth tokens are stored unencrypted in the database: set "
                "CONNECTOR_FRONT_ENCRYPTION_KEY (make a key with `connector-front keys new`)"
            )
        return cipher

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

    def _declarations(self) -> Declarations:
        """The keys the settings declare, checked against the registry's models."""
        settings = self.settings
        declared = declarations(
            settings.field_mapping, settings.field_keys, self.registry.field_annotations()
        )
        for model in declared.models():
            self._check_declared(model, list(declared.for_model(model)))
        return declared

    def _check_declared(self, model: str, keys: list[str]) -> None:
        """Declared keys must name a known model with custom fields and not shadow a field
        Front already fills."""
        if model not in self.registry.names():
            raise ConfigurationError(
                f"field mapping for {model}: no such model; this connector serves "
                f"{', '.join(self.registry.names())} (fix [connector_front.field_mapping."
                f"{model}] or field_keys.{model}; a custom model is served once it is "
                "registered in custom_models)"
            )
        mapper = self.registry.get(model)
        if mapper.custom_fields_endpoint is None:
            raise ConfigurationError(
                f"field mapping for {model}: a Front {mapper.front_object} has no custom "
                "fields, so mapped keys could be neither read nor written; remove "
                f"[connector_front.field_mapping.{model}] (or field_keys.{model})"
            )
        known = set(mapper.fields_model.model_fields) - set(mapper.mappable_fields)
        clashes = sorted(set(keys) & known)
        if clashes:
            raise ConfigurationError(
                f"field mapping for {model} maps {', '.join(clashes)}, which Front already "
                "fills; map custom fields to new keys (or to fields Front lacks, such as "
                f"{', '.join(sorted(mapper.mappable_fields)) or 'none for this model'})"
            )
