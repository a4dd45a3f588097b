"""The proxy's rules: which paths and headers may pass to Front (auth is added by transport)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from connector_front.errors import InvalidInputError

FORWARDED_HEADERS = frozenset({"accept", "content-type", "if-none-match", "if-match"})
"""Request headers passed to Front. Authorization is never taken from the caller."""
MAX_PATH_LENGTH = 2048
"""Longest proxied path: Front's own paths are far shorter."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_proxy_path(path: str) -> str:
    """A Front API path such as ``/contacts``; absolute URLs and dot segments are refused."""
    candidate = path if path.startswith("/") else "/" + path
    if len(candidate) > MAX_PATH_LENGTH or _CONTROL.search(unquote(candidate)):
        raise InvalidInputError(
            f"proxy path must be a Front API path of at most {MAX_PATH_LENGTH} characters "
            "without control characters (such as NUL)",
            fields=["path"],
        )
    parts = urlsplit(candidate)
    decoded = unquote(parts.path)
    if "://" in path or parts.netloc or candidate.startswith("//"):
        raise InvalidInputError(
            "the proxy reaches Front's API only: give a path such as /contacts, not a URL",
            fields=["path"],
        )
    if any(segment in {".", ".."} for segment in decoded.split("/")) or "\\" in decoded:
        raise InvalidInputError(
            f"proxy path {path!r} has '.' or '..' segments; give the Front API path as documented",
            fields=["path"],
        )
    return parts.path


def forwardable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() in FORWARDED_HEADERS}
