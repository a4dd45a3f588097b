"""Front's error body (`{"_error": {status, title, message, details?}}`) and OAuth errors.

Handlers raise `FrontError`; the app turns it into the body Front documents in
its "Response body structure" page, so clients parse sandbox errors like real ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a response is made: the errors load without the web server
    from starlette.responses import JSONResponse

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable entity",
    429: "Too many requests",
    500: "Internal server error",
    501: "Not implemented",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def title_for(status: int) -> str:
    """Human summary Front puts in `_error.title` for an HTTP status."""
    if status in TITLES:
        return TITLES[status]
    return "Server error" if status >= 500 else "Client error"


class FrontError(Exception):
    """An answer in Front's error shape; raised anywhere below a route."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        details: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        return error_body(self.status, self.message, self.details)

    def response(self) -> JSONResponse:
        from starlette.responses import JSONResponse

        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def error_body(status: int, message: str, details: list[str] | None = None) -> dict[str, object]:
    """`{"_error": {...}}` for a status and message."""
    inner: dict[str, object] = {"status": status, "title": title_for(status), "message": message}
    if details:
        inner["details"] = list(details)
    return {"_error": inner}


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return FrontError(status, message, headers=headers).response()


def not_found(kind: str, ident: str) -> FrontError:
    return FrontError(404, f"{kind} {ident} not found")


def bad_request(message: str) -> FrontError:
    return FrontError(400, message)


class OAuthError(Exception):
    """RFC 6749 error (`{"error", "error_description"}`) from the OAuth endpoints."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> JSONResponse:
        from starlette.responses import JSONResponse

        headers = {"cache-control": "no-store", "pragma": "no-cache"}
        if self.status == 401:
            headers["www-authenticate"] = 'Basic realm="front-sandbox"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers=headers)


class Moved(Exception):
    """A merged conversation: answer 301 with the surviving conversation's URL."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location
