"""What one owner's connection works with, built by the connector and handed down.

A connection and its resources read the owner's grants, call Front and keep records through
this context alone: nothing below the connector reaches back up to it. The owners' Front
clients (and the OAuth flow they refresh tokens through) are shared by every context.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from connector_front.auth import (
    BearerAuth,
    OAuthFlow,
    OAuthSettings,
    StateStore,
    StaticTokenAuth,
    TokenManager,
    TokenStore,
)
from connector_front.cursor import CursorCodec
from connector_front.errors import AuthorizationRequiredError
from connector_front.field_mapping.service import FieldMappings
from connector_front.mappers.names import NameBook
from connector_front.mappers.walks import WalkMemory
from connector_front.registry import ModelRegistry
from connector_front.settings import ConnectorSettings
from connector_front.store.connections import ConnectionInfo, ConnectionStore
from connector_front.store.pacing import MemoryPacingState, PacingState
from connector_front.transport import FrontClient, LaneRules, Pacer, RetryPolicy

CompanyLookup = Callable[[str], Awaitable[str | None]]
"""owner id -> the Front company of its connection, once known."""


def company_key(company_id: str) -> str:
    """The pacing budget of a Front company (Front counts requests per company)."""
    return f"company:{company_id}"


def owner_key(owner_id: str) -> str:
    """The pacing budget of an owner whose Front company is not known yet."""
    return f"owner:{owner_id}"


class FrontClients:
    """The owners' Front clients and the OAuth flow they refresh tokens through.

    Every client paces on its Front company's budget in ``pacing`` (Front counts requests per
    company): until the company is known, on a budget of the owner's own. At most
    ``settings.max_clients`` clients are kept, the least recently used dropped first (its
    connections closed once no request of it is in flight): a host called for ever more
    owners does not keep a connection pool for each of them.
    """

    def __init__(
        self,
        settings: ConnectorSettings,
        tokens: TokenStore,
        states: StateStore,
        *,
        pacing: PacingState | None = None,
        company_of: CompanyLookup | None = None,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.states = states
        self.pacing: PacingState = pacing if pacing is not None else MemoryPacingState()
        self._company_of = company_of
        self._flow: OAuthFlow | None = None
        self._clients: OrderedDict[str, FrontClient] = OrderedDict()
        self._retiring: set[asyncio.Task[None]] = set()
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        """How clients created from now on wait between retries (tests lend a fake clock's)."""
        self.clock: Callable[[], float] = time.time
        """The time a client reads a 429's ``x-ratelimit-reset`` against."""

    @property
    def flow(self) -> OAuthFlow:
        if self._flow is None:
            s = self.settings
            client_id, client_secret = s.oauth_app()
            self._flow = OAuthFlow(
                OAuthSettings(
                    client_id=client_id,
                    client_secret=client_secret,
                    authorize_url=s.authorize_url,
                    token_url=s.token_url,
                    redirect_uri=s.redirect_uri,
                ),
                self.tokens,
                self.states,
            )
        return self._flow

    def __len__(self) -> int:
        """How many clients are kept."""
        return len(self._clients)

    def get(self, owner_id: str) -> FrontClient:
        """The owner's client, created on first use; the least recently used one beyond
        ``max_clients`` is dropped."""
        client = self._clients.get(owner_id)
        if client is not None:
            self._clients.move_to_end(owner_id)
            return client
        client = self._clients[owner_id] = self._new_client(owner_id)
        while len(self._clients) > self.settings.max_clients:
            dropped, old = self._clients.popitem(last=False)
            self._retire(dropped, old)
        return client

    def _new_client(self, owner_id: str) -> FrontClient:
        token = self.settings.api_token
        return FrontClient(
            self.settings.api_base,
            StaticTokenAuth(token.get_secret_value())
            if token is not None
            else BearerAuth(TokenManager(owner_id, self.flow, self.tokens)),
            timeout=self.settings.timeout,
            retry=RetryPolicy(max_attempts=self.settings.max_attempts, clock=self.clock),
            pacer=self._pacer(owner_id),
            sleep=self.sleep,
        )

    def _retire(self, owner_id: str, client: FrontClient) -> None:
        """Close a dropped client's connections once its requests in flight end (in a task:
        dropping happens in :meth:`get`, which does not wait), and forget the owner's own
        budget, which only its client used."""
        if isinstance(self.pacing, MemoryPacingState):
            self.pacing.forget(owner_key(owner_id))
        try:
            task = asyncio.get_running_loop().create_task(client.retire())
        except RuntimeError:  # no loop runs: no connection of it can be open in one
            return
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    def _pacer(self, owner_id: str) -> Pacer:
        """The owner's pacer, on the budget of its Front company."""
        if self.settings.pacing == "off":
            return Pacer.off()
        rules = LaneRules(reserve=self.settings.background_reserve)
        if self.settings.api_token is not None:
            # One API token belongs to one company: every owner spends the same budget.
            return Pacer(rules=rules, state=self.pacing, key="api-token")
        lookup = self._company_of
        if lookup is None:
            return Pacer(rules=rules, state=self.pacing, key=owner_key(owner_id))

        async def company() -> str | None:
            found = await lookup(owner_id)
            return company_key(found) if found else None

        return Pacer(rules=rules, state=self.pacing, key=owner_key(owner_id), key_of=company)

    def company_learnt(self, owner_id: str, company_id: str) -> None:
        """The owner's connection belongs to ``company_id``: its client paces on that
        company's budget from its next request (other processes' clients learn it from the
        connection store)."""
        client = self._clients.get(owner_id)
        if client is not None and client.pacer.enabled and self.settings.api_token is None:
            client.pacer.use_key(company_key(company_id))

    async def wait_closed(self) -> None:
        """Wait until the dropped clients that are idle have closed their connections."""
        for task in list(self._retiring):
            await task

    async def aclose(self, owner_id: str | None = None) -> None:
        """Forget the owner's client (after a disconnect), closed once its requests in flight
        end; every client, closed now, when None (the connector is closing)."""
        if owner_id is not None:
            client = self._clients.pop(owner_id, None)
            if client is not None:
                await client.retire()
            return
        clients, self._clients = list(self._clients.values()), OrderedDict()
        for client in clients:
            await client.aclose()
        await self.wait_closed()


@dataclass(frozen=True)
class OwnerContext:
    owner_id: str
    settings: ConnectorSettings
    registry: ModelRegistry
    field_mappings: FieldMappings
    cursors: CursorCodec
    connections: ConnectionStore
    clients: FrontClients
    walks: WalkMemory
    """What listings remember between their pages (shared by every owner's context)."""
    names: NameBook
    """The owner's kept name splits (what a contact's name was written from)."""

    @property
    def client(self) -> FrontClient:
        """The owner's Front client (one per owner, shared by its connections)."""
        return self.clients.get(self.owner_id)

    async def grants(self) -> tuple[str, ...] | None:
        """The operations the owner's connection was created with, read once per call; None
        in API-token mode without a connection (the token itself is the authority)."""
        info = await self.info()
        return None if info is None else info.operations

    async def info(self) -> ConnectionInfo | None:
        """The owner's connection (operations, company, field mapping), read once per call;
        None in API-token mode without one. Without a connection, OAuth is a 401."""
        info = await self.connections.get(self.owner_id)
        if info is None and self.settings.uses_oauth:
            raise AuthorizationRequiredError(
                f"owner {self.owner_id!r} has no connection; create one with the operations it "
                "needs, then authorize it"
            )
        return info
