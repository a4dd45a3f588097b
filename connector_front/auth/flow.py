"""The OAuth 2 authorization-code flow against Front, via authlib's async client."""

from __future__ import annotations

import asyncio
import logging
import secrets
import warnings
from collections.abc import Sequence
from typing import Any

import authlib.deprecate  # noqa: F401 (installs authlib's "always" filter first)
import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from connector_front import observe
from connector_front.auth.settings import OAuthSettings
from connector_front.auth.state import PendingAuthorization, StateStore
from connector_front.auth.tokens import TokenSet, TokenStore
from connector_front.errors import (
    AuthorizationRequiredError,
    ConfigurationError,
    ConnectorError,
    GrantRefusedError,
    UpstreamError,
)
from connector_front.observe.signals import TokenRefreshed

with warnings.catch_warnings():
    # authlib >= 1.7 warns that plain httpx is "deprecated" in favour of httpx2; we use httpx.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import AsyncOAuth2Client
    from authlib.oauth2.rfc6749.parameters import prepare_grant_uri

logger = logging.getLogger("connector_front.auth")

# Token-endpoint errors that mean our app's credentials, not the user's grant, are wrong.
_CLIENT_ERRORS = frozenset({"invalid_client", "unauthorized_client", "unsupported_grant_type"})


class _OAuth2Client(AsyncOAuth2Client):  # type: ignore[misc]
    """authlib's client, sending through a caller-supplied ``httpx.AsyncClient`` if given."""

    def __init__(self, delegate: httpx.AsyncClient | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._delegate = delegate
        self.raw_body: dict[str, Any] | None = None
        # authlib truncates expires_at to whole seconds; keep Front's own answer too.
        self.register_compliance_hook("access_token_response", self._keep_raw)
        self.register_compliance_hook("refresh_token_response", self._keep_raw)

    def _keep_raw(self, response: httpx.Response) -> httpx.Response:
        try:
            body = response.json()
        except ValueError:
            body = None
        self.raw_body = body if isinstance(body, dict) else None
        return response

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if self._delegate is None:
            response: httpx.Response = await super().send(request, **kwargs)
            return response
        return await self._delegate.send(request, **kwargs)


class OAuthFlow:
    """Starts authorizations, exchanges codes and refreshes tokens for any owner."""

    def __init__(
        self,
        settings: OAuthSettings,
        tokens: TokenStore,
        states: StateStore,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.states = states
        self._http = http
        self._locks: dict[str, asyncio.Lock] = {}

    def lock_for(self, owner_id: str) -> asyncio.Lock:
        """The lock every :class:`TokenManager` of ``owner_id`` on this flow refreshes under."""
        lock = self._locks.get(owner_id)
        if lock is None:
            lock = self._locks[owner_id] = asyncio.Lock()
        return lock

    def _client(self) -> _OAuth2Client:
        return _OAuth2Client(
            self._http,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret.get_secret_value(),
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
            redirect_uri=self.settings.redirect_uri,
            timeout=30.0,
        )

    async def authorization_url(
        self,
        owner_id: str,
        origin: str | None = None,
        *,
        operations: Sequence[str] | None = None,
        binding: str | None = None,
    ) -> str:
        """The URL to send ``owner_id`` to. Its one-time ``state`` is stored first, with
        ``origin`` (what started the authorization), the PKCE verifier whose S256 challenge
        the URL carries, the ``operations`` to apply on consent and the ``binding`` the
        callback must present."""
        verifier = secrets.token_urlsafe(48)
        state = await self.states.issue(
            owner_id, origin, code_verifier=verifier, operations=operations, binding=binding
        )
        return str(
            prepare_grant_uri(
                self.settings.authorize_url,
                client_id=self.settings.client_id,
                response_type="code",
                redirect_uri=self.settings.redirect_uri,
                state=state,
                code_challenge=create_s256_code_challenge(verifier),
                code_challenge_method="S256",
            )
        )

    async def complete(
        self, code: str, state: str, *, binding: str | None = None
    ) -> tuple[PendingAuthorization, TokenSet]:
        """Consume ``state`` (with its ``binding``), exchange ``code`` with the state's PKCE
        verifier, store the tokens; returns what the state was issued for, and the tokens."""
        pending = await self.states.consume(state, binding=binding)
        proof = {} if pending.code_verifier is None else {"code_verifier": pending.code_verifier}
        body = await self._token_request(
            pending.owner_id,
            "exchange the authorization code",
            grant_type="authorization_code",
            code=code,
            **proof,
        )
        tokens = self._token_set(pending.owner_id, body, kept_refresh_token=None)
        await self.tokens.put(pending.owner_id, tokens)
        logger.info("authorization completed for owner %s", pending.owner_id)
        return pending, tokens

    async def revoke(self, revoke_url: str, tokens: TokenSet) -> None:
        """Ask an RFC 7009 endpoint to revoke the refresh token, then the access token.

        Raises :class:`UpstreamError` when the endpoint cannot be reached or refuses.
        """
        secret = self.settings.client_secret.get_secret_value()
        client = self._http or httpx.AsyncClient(timeout=30.0)
        try:
            for token, hint in ((tokens.refresh_token, "refresh_token"),
                                (tokens.access_token, "access_token")):  # fmt: skip
                if not token:
                    continue
                answer = await client.post(
                    revoke_url,
                    data={"token": token, "token_type_hint": hint},
                    auth=(self.settings.client_id, secret),
                )
                if answer.status_code != 200:
                    raise UpstreamError(
                        f"Front's revocation endpoint (POST {revoke_url}) answered "
                        f"{answer.status_code} when revoking the {hint.replace('_', ' ')}."
                    )
        except httpx.HTTPError as exc:
            raise UpstreamError(
                f"Could not reach the revocation endpoint (POST {revoke_url}: "
                f"{type(exc).__name__})."
            ) from None
        finally:
            if self._http is None:
                await client.aclose()

    async def request_refresh(self, owner_id: str, refresh_token: str) -> TokenSet:
        """Trade ``refresh_token`` at Front's token endpoint for a new set; nothing is stored.

        Once Front rotated the refresh token the old one is dead: the caller stores the new
        set (under the owner's refresh lock) before using it, as :class:`TokenManager` does.
        """
        try:
            body = await self._token_request(
                owner_id, "refresh the access token", refresh_token=refresh_token
            )
            tokens = self._token_set(owner_id, body, kept_refresh_token=refresh_token)
        except AuthorizationRequiredError:
            observe.emit(TokenRefreshed("refused"))
            raise
        except ConnectorError:
            observe.emit(TokenRefreshed("failed"))
            raise
        observe.emit(TokenRefreshed("ok"))
        logger.info(
            "tokens refreshed for owner %s (refresh token %s)",
            owner_id,
            "rotated" if tokens.refresh_token != refresh_token else "kept",
        )
        return tokens

    async def _token_request(self, owner_id: str, what: str, **params: Any) -> dict[str, Any]:
        where = f"POST {self.settings.token_url}"
        try:
            async with self._client() as client:
                if "refresh_token" in params:
                    token = await client.refresh_token(self.settings.token_url, **params)
                else:
                    token = await client.fetch_token(self.settings.token_url, **params)
                raw = client.raw_body
        except OAuthError as exc:
            refreshing = "refresh_token" in params
            raise self._refused(owner_id, what, where, exc, refreshing=refreshing) from None
        except httpx.HTTPStatusError as exc:
            raise UpstreamError(
                f"Front's token endpoint failed to {what} for owner {owner_id!r} ({where} "
                f"answered {exc.response.status_code}). Try again later."
            ) from None
        except httpx.HTTPError as exc:
            raise UpstreamError(
                f"Could not reach Front's token endpoint to {what} for owner {owner_id!r} "
                f"({where}: {type(exc).__name__}). Check the network and try again."
            ) from None
        except ValueError as exc:
            raise UpstreamError(
                f"Front's token endpoint gave an unreadable answer to {what} for owner "
                f"{owner_id!r} ({where}): {exc}. Try again later."
            ) from None
        body: dict[str, Any] = dict(token)
        if raw is not None and raw.get("access_token") == body.get("access_token"):
            body = raw
        return body

    @staticmethod
    def _refused(
        owner_id: str, what: str, where: str, exc: Any, *, refreshing: bool
    ) -> ConnectorError:
        error = str(getattr(exc, "error", "") or "unknown_error")
        description = getattr(exc, "description", None)
        detail = f"{error}: {description}" if description else error
        if error in _CLIENT_ERRORS:
            return ConfigurationError(
                f"Front refused the OAuth app's credentials while trying to {what} for owner "
                f"{owner_id!r} ({where}: {detail}). Check the client id, client secret and "
                "redirect URI configured for the Front OAuth app."
            )
        # invalid_grant on a refresh: the refresh token itself is dead (RFC 6749 5.2)
        dead = refreshing and error == "invalid_grant"
        refused = GrantRefusedError if dead else AuthorizationRequiredError
        return refused(
            f"Front refused to {what} for owner {owner_id!r} ({where}: {detail}); the grant "
            f"was revoked or has expired. Re-authorize the Front connection for owner "
            f"{owner_id!r}."
        )

    def _token_set(
        self, owner_id: str, body: dict[str, Any], *, kept_refresh_token: str | None
    ) -> TokenSet:
        try:
            return TokenSet.from_response(body, refresh_token=kept_refresh_token)
        except (TypeError, ValueError) as exc:
            raise UpstreamError(
                f"Front's token endpoint ({self.settings.token_url}) answered without a usable "
                f"token for owner {owner_id!r}: {exc}. Try again later."
            ) from None

    def __repr__(self) -> str:
        return f"OAuthFlow(client_id={self.settings.client_id!r}, tokens={self.tokens!r})"
