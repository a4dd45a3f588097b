"""Front's error answers turned into the connector's typed errors, with Front's own words."""

from __future__ import annotations

import json
from collections.abc import Callable
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
from connector_front.scopes import required_scopes

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
    where = f"{method} {path}"
    said = FrontErrorBody.parse(content).describe(status)
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if status == 400:
        return InvalidInputError(
            f"Front rejected {where} as invalid ({said}). Fix the request and try again."
        )
    if status == 401:
        return AuthorizationRequiredError(
            f"Front refused the credentials for {where} ({said}). {reauthorize_hint}."
        )
    if status == 403:
        try:
            needed = scopes(method, path)
        except Exception:  # a lookup failure must not hide Front's answer
            needed = ()
        credential = "the API token" if api_token else "the OAuth app"
        if needed:
            names = ", ".join(needed)
            noun, it = ("scope", "it") if len(needed) == 1 else ("scopes", "them")
            fix = (
                f"use an API token that has {it}"
                if api_token
                else f"add {it} to the app and re-authorize"
            )
            return InsufficientPermissionError(
                f"Front refused {where}: {credential} lacks {noun} {names}; {fix} ({said}).",
                scopes=needed,
            )
        return InsufficientPermissionError(
            f"Front refused {where} ({said}): {credential} or the teammate lacks permission "
            "for it. Check the granted scopes and the teammate's access."
        )
    if status == 404:
        return NotFoundError(f"Front has nothing at {where} ({said}). Check the id.")
    if status == 409:
        return ConflictError(
            f"Front refused {where} because it conflicts with existing data ({said}). "
            "Change the request (e.g. a unique field) and try again."
        )
    if status == 422:
        return UnprocessableError(
            f"Front could not process {where} ({said}). Check the values sent."
        )
    if status == 429:
        wait = f" Retry in {retry_after:g} s." if retry_after is not None else " Retry later."
        return RateLimitedError(
            f"Front's rate limit is still exceeded for {where}{tries} ({said}).{wait}",
            retry_after=retry_after,
        )
    if status >= 500:
        return UpstreamError(f"Front failed on {where}{tries} ({said}). Try again later.")
    if 400 <= status < 500:
        return InvalidInputError(f"Front refused {where} ({said}). Check the request.")
    return UpstreamError(f"Front gave an unexpected answer to {where} ({said}).")
