"""Errors every layer raises and every surface shows the same way.

Each error carries a stable ``code``, the HTTP status a host answers with, and a
message that says what went wrong and what to do. None of them ever holds a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ConnectorError(Exception):
    """Base class: ``code`` and ``status`` are stable, ``message`` is for people."""

    code = "connector_error"
    status = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidInputError(ConnectorError):
    """The caller's input does not fit the unified model; ``fields`` names the paths."""

    code = "invalid_input"
    status = 400

    def __init__(self, message: str, *, fields: Sequence[str] = ()) -> None:
        super().__init__(message, details={"fields": list(fields)} if fields else None)
        self.fields = list(fields)


class OAuthStateError(InvalidInputError):
    """The callback's ``state`` is unknown, expired or already used (a 400 for the host)."""

    code = "invalid_oauth_state"

    def __init__(self, message: str, *, reason: str = "unknown") -> None:
        super().__init__(message, fields=["state"])
        self.reason = reason
        """``unknown``, ``reused`` or ``expired``."""


class InvalidCursorError(InvalidInputError):
    """A listing cursor this host did not sign, or one that was changed."""

    code = "invalid_cursor"

    def __init__(self, message: str) -> None:
        super().__init__(message, fields=["cursor"])


class ConfigurationError(ConnectorError):
    """The connector or host is configured wrongly (missing client id, bad mapping, a port in
    use...): its operator can fix it, so a host answers 503 (unavailable until then), never a
    500, and a command exits 2 without starting."""

    code = "configuration_error"
    status = 503


class AuthorizationRequiredError(ConnectorError):
    """No usable authorization: the owner must (re-)authorize the connection."""

    code = "authorization_required"
    status = 401


class GrantRefusedError(AuthorizationRequiredError):
    """Front refused the stored refresh token (``invalid_grant``): the grant is dead, and no
    refresh is tried again until a new authorization replaces it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, details={"reason": "grant_refused"})


class InvalidSessionError(ConnectorError):
    """A connect page session token that is missing, changed or expired."""

    code = "invalid_connect_session"
    status = 401

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, details={"reason": reason})
        self.reason = reason


class InsufficientPermissionError(ConnectorError):
    """Front refused for lack of a scope; ``scopes`` names what the app must be granted."""

    code = "insufficient_permission"
    status = 403

    def __init__(self, message: str, *, scopes: Sequence[str] = ()) -> None:
        super().__init__(message, details={"missingScopes": list(scopes)} if scopes else None)
        self.scopes = list(scopes)


class NotFoundError(ConnectorError):
    code = "not_found"
    status = 404


class ConflictError(ConnectorError):
    code = "conflict"
    status = 409


class UnprocessableError(ConnectorError):
    code = "unprocessable"
    status = 422


class RateLimitedError(ConnectorError):
    """Front's rate limit was still exceeded after the retries allowed."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(
            message, details={"retryAfter": retry_after} if retry_after is not None else None
        )
        self.retry_after = retry_after


class NotSupportedError(ConnectorError):
    """The operation has no Front endpoint; raised before any request is sent."""

    code = "not_supported"
    status = 501


class UpstreamError(ConnectorError):
    """Front failed (5xx, broken connection, unreadable answer) after retries."""

    code = "upstream_error"
    status = 502


class MovedError(ConnectorError):
    """A write hit a merged conversation (Front answered 301); ``location`` is the new id."""

    code = "moved"
    status = 409

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message, details={"location": location} if location else None)
        self.location = location


class OperationNotGrantedError(ConnectorError):
    """The connection was created without this operation, so its scopes were never asked for."""

    code = "operation_not_granted"
    status = 403
