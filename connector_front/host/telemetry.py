"""Around every host request: its id, its span, its metrics.

The id is the caller's ``x-request-id`` when it is a usable one (letters, digits, ``-._:``,
at most 128 characters), else a new one; every answer carries it back and every log line
written while answering carries it too. The span continues the caller's trace
(``traceparent``) when tracing is on. The answer is counted by method, route template and
status: never by path, which holds owner and record ids.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector_front import observe
from connector_front.observe.signals import HostAnswered

HEADER = "x-request-id"
SCOPE_KEY = "connector_front.request_id"
"""Where the request's id is kept in the ASGI scope (for the error handler outside the span)."""
USABLE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
"""The route label of a request no route serves."""


def request_id_of(scope: Scope) -> str:
    """The caller's ``x-request-id`` when usable, else a new id."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given: str = value.decode("latin-1")
            if USABLE.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def route_of(routes: Sequence[tuple[BaseRoute, str]], scope: Scope) -> str:
    """The template of the route serving the request: the first that matches path and
    method, else the first that matches the path (its method is refused); ``unmatched``."""
    partial = UNMATCHED
    for route, template in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return template
        if match is Match.PARTIAL and partial == UNMATCHED:
            partial = template
    return partial


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers (where a caller's ``traceparent`` is read from)."""
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


class RequestTelemetry:
    """ASGI middleware, outermost: see the module."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[tuple[BaseRoute, str]]) -> None:
        self.app = app
        self.routes = tuple(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope[SCOPE_KEY] = request_id_of(scope)
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = route_of(self.routes, scope)
        status = 500  # unless an answer starts: the server's error answer
        started = time.monotonic()
        carrier = _headers(scope) if observe.tracing() else None
        attributes = {"http.request.method": method, "http.route": route, "url.path": scope["path"]}

        with observe.serving(request_id), observe.span(
            f"{method} {route}", "server", attributes, carrier=carrier
        ) as span:

            async def answer(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableHeaders(scope=message).append(HEADER, request_id)
                    span.set("http.response.status_code", status)
                await send(message)

            try:
                await self.app(scope, receive, answer)
            finally:
                seconds = time.monotonic() - started
                observe.emit(HostAnswered(method, route, status, seconds))
