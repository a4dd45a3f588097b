"""What a web browser may make the host do, whatever page it is showing.

Any page a person on the host's machine visits can make their browser send requests to the
host: a form, or a ``fetch`` with a form's content type, needs no permission. Such a request
carries the page's ``Origin``, so a state-changing one (POST, PUT, PATCH, DELETE) from another
origin than the host's own, or than a configured public origin, is refused. An open host (no
host key) answers only requests addressed to a loopback name: a page whose domain name was
re-pointed at 127.0.0.1 (DNS rebinding) addresses it by that domain name. :func:`refusal`
decides; :class:`BrowserGuard` only routes.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from connector_front.errors import ConnectorError
from connector_front.util.web_origin import origin, parse_host, parse_origin

log = logging.getLogger("connector_front.host")

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = frozenset({"localhost"})
"""Names (beside loopback IP addresses) an open host answers to."""
SHOWN = 80
"""Characters of a header value repeated in a refusal."""


class HostNotAllowedError(ConnectorError):
    code = "host_not_allowed"
    status = 400


class OriginNotAllowedError(ConnectorError):
    code = "origin_not_allowed"
    status = 403


@dataclass(frozen=True)
class Visit:
    """What a request says of where it was sent and from which page."""

    method: str
    scheme: str
    host: str | None
    """The ``Host`` header (None: not sent)."""
    origin: str | None
    """The ``Origin`` header (None: not sent, as by any client that is not a browser)."""

    @classmethod
    def from_scope(cls, scope: Scope) -> Visit:
        headers = {name: value for name, value in scope.get("headers", [])}
        host, sent_origin = headers.get(b"host"), headers.get(b"origin")
        return cls(
            method=scope["method"].upper(),
            scheme=scope.get("scheme", "http"),
            host=None if host is None else host.decode("latin-1"),
            origin=None if sent_origin is None else sent_origin.decode("latin-1"),
        )


def is_loopback(name: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1)."""
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class BrowserPolicy:
    """``open_host``: the host has no key; ``public_origins`` (serialized): where browsers
    reach the host besides its own address, such as a reverse proxy's public name."""

    open_host: bool
    public_origins: frozenset[str] = frozenset()

    @property
    def public_names(self) -> frozenset[str]:
        """The host names of the public origins (an open host answers to them too)."""
        return frozenset(urlsplit(item).hostname or "" for item in self.public_origins)


def refusal(visit: Visit, policy: BrowserPolicy) -> ConnectorError | None:
    """Why the request is refused (None: it is not)."""
    named = parse_host(visit.host) if visit.host is not None else None
    if policy.open_host and not (
        named is not None and (is_loopback(named[0]) or named[0] in policy.public_names)
    ):
        return HostNotAllowedError(
            f"this host runs without a host key, so it answers only requests addressed to "
            f"localhost, 127.0.0.1 or [::1], not to {_shown(visit.host)}; call it by one of "
            "those, or list its public origin in CONNECTOR_FRONT_PUBLIC_ORIGINS"
        )
    if visit.method not in STATE_CHANGING or visit.origin is None:
        return None
    sent = parse_origin(visit.origin)
    own = origin(visit.scheme, *named) if named is not None else None
    if sent is not None and (sent == own or sent in policy.public_origins):
        return None
    return OriginNotAllowedError(
        f"{visit.method} requests from a page of another origin ({_shown(visit.origin)}) are "
        "refused: a web page cannot act through this host. If pages you serve at that origin "
        "should, list it in CONNECTOR_FRONT_PUBLIC_ORIGINS"
    )


def _shown(value: str | None) -> str:
    """A header value for a message or a log line: quoted, escaped, cut short."""
    return "no Host header" if value is None else repr(value[:SHOWN])


class BrowserGuard:
    """ASGI middleware: answers :func:`refusal`'s error instead of the route when it has one."""

    def __init__(self, app: ASGIApp, *, policy: BrowserPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            visit = Visit.from_scope(scope)
            error = refusal(visit, self.policy)
            if error is not None:
                log.warning("%s %r refused (%s)", visit.method, scope["path"], error.code)
                answer = JSONResponse(error.to_dict(), status_code=error.status)
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)
