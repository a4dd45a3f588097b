"""Run the connector against an embedded sandbox Front: for the demo, ``serve --sandbox`` and tests.

The sandbox is Front's stand-in (it imports nothing of the connector); this module is
the connector's side: settings that point at it, and a scripted customer approval.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import SecretStr

from connector_front.connector import FrontConnector
from connector_front.errors import AuthorizationRequiredError
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.sandbox.config import DEFAULT_REDIRECT_URI
from connector_front.settings import ConnectorSettings

SANDBOX_REDIRECT_URI = DEFAULT_REDIRECT_URI
"""The callback embedded sandboxes send customers back to: one the sandbox's app registers
unless configured otherwise."""


def webhook_secret(env: Mapping[str, str] | None = None) -> str | None:
    """The app webhook secret a sandbox should sign with: the first of FRONT_WEBHOOK_SECRET."""
    value = (os.environ if env is None else env).get("FRONT_WEBHOOK_SECRET", "")
    first = value.split(",")[0].strip()
    return first or None


def intake_url(host: str, port: int) -> str:
    """The host's application webhook intake, as a sandbox on this machine reaches it."""
    reachable = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
    return f"http://{reachable}:{port}/webhooks/front"


def sandbox_settings(
    sandbox: SandboxServer,
    config: SandboxConfig,
    database: str | Path,
    *,
    redirect_uri: str = SANDBOX_REDIRECT_URI,
    field_mapping: dict[str, dict[str, str]] | None = None,
    max_attempts: int = 5,
    base: ConnectorSettings | None = None,
) -> ConnectorSettings:
    """Connector settings whose OAuth app and API base are the sandbox's.

    ``base`` (settings read from a config file) keeps what is the host's own: field
    mapping, custom models, timeout and attempts, webhook secrets, host and cursor keys; the
    sandbox replaces the rest, and its own webhook secret is accepted beside the host's.
    Cursors and connect sessions are signed as :func:`open_signing_key` says. Tokens are
    encrypted with a key derived from the sandbox app's secret, unless ``base`` has an
    ``encryption_key``.
    """
    token_key = base64.urlsafe_b64encode(
        hashlib.sha256(b"tokens:" + config.client_secret.encode()).digest()
    ).decode()
    start = base if base is not None else ConnectorSettings(max_attempts=max_attempts)
    updates: dict[str, object] = {
        "client_id": config.client_id,
        "client_secret": SecretStr(config.client_secret),
        "redirect_uri": redirect_uri,
        "api_base": sandbox.url,
        "authorize_url": f"{sandbox.url}/oauth/authorize",
        "token_url": f"{sandbox.url}/oauth/token",
        "revoke_url": f"{sandbox.url}/oauth/revoke",
        "api_token": None,
        "database": str(database),
        "webhook_secrets": _with_secret(start.webhook_secrets, config.webhook_secret),
        "cursor_key": start.cursor_key or open_signing_key(start, config),
        "encryption_key": start.encryption_key or SecretStr(token_key),
    }
    if field_mapping is not None or base is None:
        updates["field_mapping"] = field_mapping or {}
    return start.model_copy(update=updates)


def open_signing_key(settings: ConnectorSettings, config: SandboxConfig) -> SecretStr | None:
    """The key that signs cursors and connect sessions when ``settings`` set none.

    With a host key, None: the host key signs (``cursor_keys``). Only an open host (no host
    key, so loopback only) on a sandbox signs with a key derived from the sandbox app's
    well-known secret: every embedded sandbox is seeded alike, so a cursor printed by one CLI
    run continues in the next. That key is public; with a host or cursor key set, cursors
    still continue across runs, signed with that key.
    """
    if settings.cursor_key is not None or settings.host_keys:
        return None
    return SecretStr(hashlib.sha256(b"cursor:" + config.client_secret.encode()).hexdigest())


def _with_secret(secrets: list[SecretStr], secret: str) -> list[SecretStr]:
    known = [s.get_secret_value() for s in secrets]
    return secrets if secret in known else [*secrets, SecretStr(secret)]


async def approve(authorization_url: str) -> tuple[str, str]:
    """Play the customer: open the authorization URL, return (code, state) from the redirect."""
    async with httpx.AsyncClient(follow_redirects=False, timeout=10) as browser:
        answer = await browser.get(authorization_url)
    location = answer.headers.get("location")
    if answer.status_code not in (301, 302, 303, 307) or not location:
        raise AuthorizationRequiredError(
            f"the authorization page answered {answer.status_code} instead of redirecting back"
        )
    query = parse_qs(urlsplit(location).query)
    if "code" not in query or "state" not in query:
        raise AuthorizationRequiredError(
            f"the authorization redirect carried no code/state: {query.get('error', ['?'])[0]}"
        )
    return query["code"][0], query["state"][0]


async def connect_owner(
    connector: FrontConnector, owner_id: str, operations: Sequence[str] | None = None
) -> None:
    """Create a connection with ``operations`` (default: every supported one) and authorize it."""
    if operations is None:
        operations = [
            f"{mapper.model}::{op}" for mapper in connector.registry for op in mapper.endpoints
        ]
    _, authorization = await connector.connection(owner_id).create_and_authorize(operations)
    if authorization.authorization_url is None:
        return
    code, state = await approve(authorization.authorization_url)
    await connector.complete_authorization(code, state)


class EmbeddedSandbox:
    """A started sandbox and a connector configured for it; closes both on exit."""

    def __init__(
        self,
        database: str | Path,
        config: SandboxConfig | None = None,
        *,
        field_mapping: dict[str, dict[str, str]] | None = None,
        port: int = 0,
        settings: ConnectorSettings | None = None,
        server: SandboxServer | None = None,
    ) -> None:
        """``server``: a running sandbox to use (and leave running) instead of a new one."""
        self._owns_server = server is None
        self.server = server or SandboxServer(config or SandboxConfig(), port=port)
        self.config = self.server.config
        self._database = database
        self._field_mapping = field_mapping
        self._settings = settings
        self.connector: FrontConnector | None = None

    async def __aenter__(self) -> EmbeddedSandbox:
        self.server.start()
        settings = sandbox_settings(
            self.server,
            self.config,
            self._database,
            field_mapping=self._field_mapping,
            base=self._settings,
        )
        try:
            self.connector = FrontConnector(settings)
        except BaseException:
            await self.__aexit__(None, None, None)  # a bad custom model or mapping
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.connector is not None:
            await self.connector.aclose()
        if self._owns_server:
            self.server.stop()
