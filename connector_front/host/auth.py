"""Host authentication: one table of open routes; every other route needs the host key.

Routes added later are protected by default. The open ones authenticate otherwise: the
OAuth callback by its one-time state, Front's webhook intake by its signature, the connect
page by its own session token.
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


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
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
        token = _bearer(scope)
        if token is not None and key_matches(token, self.keys):
            await self.app(scope, receive, send)
            return
        why = "no host key was sent" if token is None else "the host key is not valid"
        body = {
            "error": {
                "code": "unauthenticated",
                "message": f"{why}: send 'Authorization: Bearer <host key>' (the value of "
                "CONNECTOR_FRONT_HOST_KEY) to call this host",
            }
        }
        headers = {"www-authenticate": 'Bearer realm="connector-front"'}
        await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)
