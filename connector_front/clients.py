"""One Front HTTP client per owner, made on first use, signed with OAuth tokens or the API token."""

from __future__ import annotations

from connector_front.auth import (
    BearerAuth,
    OAuthFlow,
    OAuthSettings,
    SQLiteStateStore,
    SQLiteTokenStore,
    StaticTokenAuth,
    TokenManager,
)
from connector_front.errors import ConfigurationError
from connector_front.settings import ConnectorSettings
from connector_front.transport import FrontClient, RetryPolicy


class FrontClients:
    """The owners' Front clients and the OAuth flow they refresh tokens through."""

    def __init__(
        self, settings: ConnectorSettings, tokens: SQLiteTokenStore, states: SQLiteStateStore
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.states = states
        self._flow: OAuthFlow | None = None
        self._clients: dict[str, FrontClient] = {}

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

    def get(self, owner_id: str) -> FrontClient:
        """The owner's client, created on first use."""
        if owner_id not in self._clients:
            token = self.settings.api_token
            self._clients[owner_id] = FrontClient(
                self.settings.api_base,
                StaticTokenAuth(token.get_secret_value())
                if token is not None
                else BearerAuth(TokenManager(owner_id, self.flow, self.tokens)),
                timeout=self.settings.timeout,
                retry=RetryPolicy(max_attempts=self.settings.max_attempts),
            )
        return self._clients[owner_id]

    async def aclose(self, owner_id: str | None = None) -> None:
        """Close and forget the owner's client (after a disconnect); every one when None."""
        for owner in list(self._clients) if owner_id is None else [owner_id]:
            client = self._clients.pop(owner, None)
            if client is not None:
                await client.aclose()
