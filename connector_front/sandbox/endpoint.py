"""How an API route runs: authenticate, check scopes, read the body, call the handler.

Route modules declare `(method, spec path, handler)` rows; `api_route` wraps a
row into a Starlette route guarded by the endpoint's scopes from `scopes.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .database import Database
from .errors import FrontError
from .links import Links
from .scopes import required_scopes
from .state import SandboxState
from .tokens import AccessCheck, digest

API_PRINCIPAL = "api"
OAUTH_PRINCIPAL = "oauth_client"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a static API token or an OAuth access token (kept as a digest)."""

    kind: str
    key: str = ""


def bearer_token(request_headers: dict[str, str] | Any) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    header = request_headers.get("authorization")
    if not header:
        return None
    scheme, _, token = str(header).partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(state: SandboxState, request: Request) -> Principal:
    """The caller, or a 401 in Front's error shape."""
    token = bearer_token(request.headers)
    if token is None:
        raise FrontError(401, "Authentication required: send an Authorization: Bearer token")
    if token in state.config.api_tokens:
        return Principal(API_PRINCIPAL, digest(token))
    check = state.tokens.check_access(token, state.now())
    if check is AccessCheck.VALID:
        return Principal(OAUTH_PRINCIPAL, digest(token))
    if check is AccessCheck.EXPIRED:
        raise FrontError(401, "The access token has expired; refresh it")
    raise FrontError(401, "Invalid access token")


def check_scopes(state: SandboxState, method: str, spec_path: str) -> None:
    """403 naming the missing scope(s) when the token was not granted what the endpoint needs."""
    missing = state.missing_scopes(required_scopes(method, spec_path))
    if missing:
        names = ", ".join(missing)
        raise FrontError(
            403,
            f"Missing scope {names}: the token cannot call {method} {spec_path} without it",
            details=[f"missing scope: {scope}" for scope in missing],
        )


@dataclass
class Ctx:
    """What a handler gets: the request, the state, the caller, the JSON body."""

    request: Request
    state: SandboxState
    principal: Principal
    body: Any
    links: Links

    @property
    def db(self) -> Database:
        return self.state.db

    @property
    def query(self) -> QueryParams:
        return self.request.query_params

    def param(self, name: str) -> str:
        return str(self.request.path_params[name])


Handler = Callable[[Ctx], Response]
Row = tuple[str, str, Handler]


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)


def base_url(state: SandboxState, request: Request) -> str:
    if state.config.public_url:
        return state.config.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise FrontError(400, "The request body is not valid JSON") from None


def starlette_path(spec_path: str) -> str:
    """Spec templates are Starlette templates, except search queries may hold slashes."""
    return spec_path.replace("{query}", "{query:path}")


def api_route(state: SandboxState, row: Row, served_path: str | None = None) -> Route:
    """A Starlette route for one endpoint row, guarded by auth and scopes."""
    method, spec_path, handler = row

    async def endpoint(request: Request) -> Response:
        principal = authenticate(state, request)
        check_scopes(state, method, spec_path)
        body = await read_json(request) if method in ("POST", "PUT", "PATCH", "DELETE") else None
        ctx = Ctx(request, state, principal, body, Links(base_url(state, request)))
        with state.lock:
            return handler(ctx)

    return Route(starlette_path(served_path or spec_path), endpoint, methods=[method])
