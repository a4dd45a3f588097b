"""Builds the sandbox's ASGI app: OAuth, admin and Front API routes behind the gateway.

`create_app(config)` gives an ASGI callable whose `.state` is the live
`SandboxState`; `SandboxServer` serves it with uvicorn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from .admin import admin_routes
from .config import SandboxConfig
from .endpoint import Row, api_route
from .errors import FrontError, Moved, OAuthError, error_response
from .gateway import Gateway
from .oauth import oauth_routes
from .routes import ROUTE_MODULES
from .state import SandboxState

log = logging.getLogger("connector_front.sandbox")

# served paths that also answer without/with a trailing slash, beside the spec's own
SLASH_TWINS: dict[tuple[str, str], str] = {
    ("PATCH", "/comments/{comment_id}/"): "/comments/{comment_id}",
}


def api_rows() -> Iterable[Row]:
    for module in ROUTE_MODULES:
        yield from module.ROUTES


def build_routes(state: SandboxState) -> list[BaseRoute]:
    routes: list[BaseRoute] = [*oauth_routes(state), *admin_routes(state)]
    for row in api_rows():
        routes.append(api_route(state, row))
        twin = SLASH_TWINS.get((row[0], row[1]))
        if twin:
            routes.append(api_route(state, row, served_path=twin))
    return routes


async def _front_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FrontError)
    return exc.response()


async def _oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    return exc.response()


async def _moved(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Moved)
    return Response(status_code=301, headers={"location": exc.location})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: f"No route for {request.url.path}", 405: "Method not allowed on this path"}
    message = messages.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, message, headers=exc.headers)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("sandbox handler failed on %s %s", request.method, request.url.path)
    return error_response(500, "The sandbox failed to answer this request")


class SandboxApp:
    """The ASGI app of one sandbox; `.state` is what tests inspect and steer."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        starlette = Starlette(
            routes=build_routes(state),
            exception_handlers={
                FrontError: _front_error,
                OAuthError: _oauth_error,
                Moved: _moved,
                HTTPException: _http_error,
                Exception: _crash,
            },
        )
        self._asgi = Gateway(starlette, state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def create_app(
    config: SandboxConfig | None = None, *, state: SandboxState | None = None
) -> SandboxApp:
    """A sandbox Front as an ASGI app (a fresh state from `config` unless one is given)."""
    return SandboxApp(state or SandboxState(config or SandboxConfig()))
