"""Front's error answers turned into the connector's typed errors, with Front's own words."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from connector_front.errors import (
    AuthorizationRequiredError,
    ConflictError,
    ConnectorError,
    InsufficientPermissionError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UnprocessableError,
    UpstreamError,
)
from connector_front.grants.scopes import required_scopes

ScopeLookup = Callable[[str, str], tuple[str, ...]]

_MAX_TEXT = 300


@dataclass(frozen=True)
class FrontErrorBody:
    """The ``_error`` object Front answers with (any part may be missing)."""

    status: int | None = None
    title: str | None = None
    message: str | None = None

    @classmethod
    def parse(cls, content: bytes) -> FrontErrorBody:
        """Read ``{"_error": {...}}``; tolerate other JSON, text or nothing at all."""
        text = content.decode("utf-8", errors="replace").strip()
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls(message=_clip(" ".join(text.split())) if not text.startswith("<") else None)
        if not isinstance(data, dict):
            return cls()
        inner = data.get("_error")
        if not isinstance(inner, dict):
            # OAuth-style or unknown JSON: use what reads like a message.
            message = data.get("message") or data.get("error_description") or data.get("error")
            return cls(message=_clip(str(message)) if message else None)
        status = inner.get("status")
        title = inner.get("title")
        message = inner.get("message")
        return cls(
            status=status if isinstance(status, int) else None,
            title=_clip(str(title)) if title else None,
            message=_clip(str(message)) if message else None,
        )

    def describe(self, status: int) -> str:
        """``"404 Not found: contact crd_1 not found"`` (as much as Front said)."""
        head = f"{status} {self.title}" if self.title else str(status)
        return f"{head}: {self.message}" if self.message else head


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


@dataclass(frozen=True)
class _Answer:
    """Front's non-2xx answer to one request, with what the client knows about the request."""

    method: str
    path: str
    status: int
    said: str
    """What Front said: ``"404 Not found: contact crd_1 not found"``."""
    retry_after: float | None
    attempts: int
    reauthorize_hint: str
    api_token: bool
    scopes: ScopeLookup

    @property
    def where(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def tries(self) -> str:
        return f" after {self.attempts} attempts" if self.attempts > 1 else ""


def error_for_response(
    method: str,
    path: str,
    status: int,
    content: bytes,
    *,
    retry_after: float | None = None,
    attempts: int = 1,
    reauthorize_hint: str = "Re-authorize the Front connection",
    api_token: bool = False,
    scopes: ScopeLookup = required_scopes,
) -> ConnectorError:
    """The typed error for Front's non-2xx answer to ``method path``."""
    said = FrontErrorBody.parse(content).describe(status)
    answer = _Answer(
        method, path, status, said, retry_after, attempts, reauthorize_hint, api_token, scopes
    )
    return _BY_STATUS.get(status, _other)(answer)


def _invalid(a: _Answer) -> ConnectorError:
    return InvalidInputError(
        f"Front rejected {a.where} as invalid ({a.said}). Fix the request and try again."
    )


def _unauthorized(a: _Answer) -> ConnectorError:
    return AuthorizationRequiredError(
        f"Front refused the credentials for {a.where} ({a.said}). {a.reauthorize_hint}."
    )


def _forbidden(a: _Answer) -> ConnectorError:
    """Names the scopes the endpoint needs (from Front's spec) and how to get them."""
    try:
        needed = a.scopes(a.method, a.path)
    except Exception:  # a lookup failure must not hide Front's answer
        needed = ()
    credential = "the API token" if a.api_token else "the OAuth app"
    if not needed:
        return InsufficientPermissionError(
            f"Front refused {a.where} ({a.said}): {credential} or the teammate lacks permission "
            "for it. Check the granted scopes and the teammate's access."
        )
    names = ", ".join(needed)
    noun, it = ("scope", "it") if len(needed) == 1 else ("scopes", "them")
    fix = (
        f"use an API token that has {it}"
        if a.api_token
        else f"add {it} to the app and re-authorize"
    )
    return InsufficientPermissionError(
        f"Front refused {a.where}: {credential} lacks {noun} {names}; {fix} ({a.said}).",
        scopes=needed,
    )


def _not_found(a: _Answer) -> ConnectorError:
    return NotFoundError(f"Front has nothing at {a.where} ({a.said}). Check the id.")


def _conflict(a: _Answer) -> ConnectorError:
    return ConflictError(
        f"Front refused {a.where} because it conflicts with existing data ({a.said}). "
        "Change the request (e.g. a unique field) and try again."
    )


def _unprocessable(a: _Answer) -> ConnectorError:
    return UnprocessableError(
        f"Front could not process {a.where} ({a.said}). Check the values sent."
    )


def _rate_limited(a: _Answer) -> ConnectorError:
    wait = f" Retry in {a.retry_after:g} s." if a.retry_after is not None else " Retry later."
    return RateLimitedError(
        f"Front's rate limit is still exceeded for {a.where}{a.tries} ({a.said}).{wait}",
        retry_after=a.retry_after,
    )


def _other(a: _Answer) -> ConnectorError:
    """Any other status: Front's failure (5xx), a refusal (4xx), or an answer it never gives."""
    if a.status >= 500:
        return UpstreamError(f"Front failed on {a.where}{a.tries} ({a.said}). Try again later.")
    if 400 <= a.status < 500:
        return InvalidInputError(f"Front refused {a.where} ({a.said}). Check the request.")
    return UpstreamError(f"Front gave an unexpected answer to {a.where} ({a.said}).")


_BY_STATUS: Mapping[int, Callable[[_Answer], ConnectorError]] = {
    400: _invalid,
    401: _unauthorized,
    403: _forbidden,
    404: _not_found,
    409: _conflict,
    422: _unprocessable,
    429: _rate_limited,
}
"""Front's status -> the connector's error for it (any other status: :func:`_other`)."""
