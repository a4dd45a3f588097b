"""Every failure as ``{"error": {"code", "message"}}`` with the status the contract names."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector_front.errors import ConnectorError, RateLimitedError

log = logging.getLogger("connector_front.host")


async def connector_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConnectorError)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
        headers["retry-after"] = str(max(1, round(exc.retry_after)))
    if exc.status >= 500:
        log.warning("%s %s -> %s: %s", request.method, request.url.path, exc.status, exc.message)
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    message = (
        f"no route {request.method} {request.url.path}; see GET /connectors/front"
        if exc.status_code in codes
        else str(exc.detail)
    )
    body = {"error": {"code": codes.get(exc.status_code, "http_error"), "message": message}}
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}
    if exc.status_code == 405:
        headers["allow"] = ", ".join(_allowed_methods(request))
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    body = {"error": {"code": "internal_error", "message": "unexpected error; see the host log"}}
    return JSONResponse(body, status_code=500)
