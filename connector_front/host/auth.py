"""Host authentication: one table of open routes; every other route needs the host key.

Routes added later are protected by default. The open ones authenticate otherwise: the
OAuth callback by its one-time state, Front's webhook intake by its signature, the connect
page by its own session token; the health probes tell nothing about owners.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class OpenRoute:
    """``methods`` on ``path`` (and, with ``subtree``, every path under it) need no host key."""

    methods: frozenset[str]
    path: str
    subtree: bool = False

    def matches(self, method: str, path: str) -> bool:
        if method not in self.methods:
            return False
        return path == self.path or (self.subtree and path.startswith(self.path + "/"))


READS = frozenset({"GET", "HEAD"})

OPEN_ROUTES: tuple[OpenRoute, ...] = (
    OpenRoute(READS, "/healthz"),  # probes: they say nothing about owners
    OpenRoute(READS, "/readyz"),
    OpenRoute(READS, "/oauth/callback"),
    OpenRoute(frozenset({"POST"}), "/webhooks/front", subtree=True),
    OpenRoute(READS, "/connect", subtree=True),
    OpenRoute(frozenset({"POST"}), "/connect"),  # the page's own form; not /connect/sessions
)
"""The only routes a caller without the host key may reach."""


def is_open(method: str, path: str) -> bool:
    """True when ``method path`` is in :data:`OPEN_ROUTES` (a path with dot segments never is)."""
    if any(segment in {".", ".."} for segment in path.split("/")):
        return False
    return any(route.matches(method.upper(), path) for route in OPEN_ROUTES)


def key_matches(given: str, keys: Sequence[str]) -> bool:
    """Constant-time comparison against every accepted key (all are compared, always)."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(given.encode(), key.encode())
    return found


OTHER_SCHEMES = frozenset({"basic", "digest", "token", "apikey", "negotiate", "ntlm", "hoba"})
"""HTTP authentication schemes a message may name (a word that is none of them may be a key)."""
SEND = "send 'Authorization: Bearer <host key>' (the value of CONNECTOR_FRONT_HOST_KEY)"


def _authorization(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return str(value.decode("latin-1"))
    return None


def refusal(header: str | None, keys: Sequence[str]) -> str | None:
    """Why an ``Authorization`` header does not let its caller in (None: it does), said so
    the caller can fix it. The key itself is never repeated."""
    if header is None or not header.strip():
        return f"no host key was sent: {SEND} to call this host"
    scheme, _, token = header.strip().partition(" ")
    if not token.strip():
        if scheme.lower() == "bearer":
            return f"the Authorization header has 'Bearer' but no key after it: {SEND}"
        return f"the Authorization header holds no 'Bearer ' before the key: {SEND}"
    if scheme.lower() != "bearer":
        named = f"the {scheme} scheme" if scheme.lower() in OTHER_SCHEMES else "another scheme"
        return f"the Authorization header uses {named}, not Bearer: {SEND}"  # never a key
    if not key_matches(token.strip(), keys):
        return f"the host key is not valid: {SEND}"
    return None


class HostAuth:
    """ASGI middleware: refuse with 401 a call without a valid ``Authorization: Bearer`` key."""

    def __init__(self, app: ASGIApp, keys: Sequence[str]) -> None:
        self.app = app
        self.keys = tuple(keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or is_open(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        why = refusal(_authorization(scope), self.keys)
        if why is None:
            await self.app(scope, receive, send)
            return
        body = {"error": {"code": "unauthenticated", "message": why}}
        headers = {"www-authenticate": 'Bearer realm="connector-front"'}
        await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)
