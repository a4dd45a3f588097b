"""Every failure as ``{"error": {"code", "message"}}`` with the status the contract names."""

from __future__ import annotations

import logging
from contextlib import nullcontext

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector_front import observe
from connector_front.errors import ConnectorError, NotSupportedError, RateLimitedError
from connector_front.host.telemetry import HEADER, SCOPE_KEY

log = logging.getLogger("connector_front.host")


async def connector_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConnectorError)
    headers: dict[str, str] = {}
    status = exc.status
    if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
        headers["retry-after"] = str(max(1, round(exc.retry_after)))
    if isinstance(exc, NotSupportedError):
        allowed = _documented(request)
        if allowed and request.method not in allowed:  # the document lists no such call
            status, headers["allow"] = 405, ", ".join(allowed)
    if status >= 500:
        log.warning("%s %s -> %s: %s", request.method, request.url.path, status, exc.message)
    return JSONResponse(exc.to_dict(), status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    path = request.url.path
    slash = " (paths take no trailing slash)" if len(path) > 1 and path.endswith("/") else ""
    message = (
        f"no route {request.method} {path}{slash}; see GET /connectors/front"
        if exc.status_code in codes
        else str(exc.detail)
    )
    body = {"error": {"code": codes.get(exc.status_code, "http_error"), "message": message}}
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}
    if exc.status_code == 405:
        headers["allow"] = ", ".join(_documented(request) or _routed_methods(request))
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def _documented(request: Request) -> list[str]:
    """The methods the host's document lists for the request's path."""
    allowed = getattr(request.app.state, "allowed_methods", None)
    return [] if allowed is None else list(allowed(request.url.path))


def _routed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path (a path no document lists)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """500, with the request's id (the answer is made outside the request's own middleware)."""
    request_id = request.scope.get(SCOPE_KEY)
    headers = {HEADER: request_id} if request_id else {}
    with observe.serving(request_id) if request_id else nullcontext():
        log.exception("unexpected error on %s %s", request.method, request.url.path)
    body = {"error": {"code": "internal_error", "message": "unexpected error; see the host log"}}
    return JSONResponse(body, status_code=500, headers=headers)
