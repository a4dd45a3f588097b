"""Web origins (``scheme://host[:port]``) in one serialization, so two spellings compare equal.

Read by the settings (the host's public origins) and by the host's browser guard (a request's
``Origin`` and ``Host`` headers).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_ORIGIN = re.compile(r"[A-Za-z]+://[A-Za-z0-9.\-_:\[\]]+/?")
_HOST = re.compile(r"[A-Za-z0-9.\-_:\[\]]+")
"""The characters an origin or a ``Host`` header may hold (a name, an IP address, a port)."""


def origin(scheme: str, host: str, port: int | None = None) -> str:
    """``scheme://host[:port]``, lower-cased, the scheme's default port left out, an IPv6
    address in brackets."""
    scheme, host = scheme.lower(), host.lower()
    name = f"[{host}]" if ":" in host else host
    shown = "" if port is None or port == DEFAULT_PORTS.get(scheme) else f":{port}"
    return f"{scheme}://{name}{shown}"


def parse_origin(text: str) -> str | None:
    """The origin ``text`` names (an ``Origin`` header, or a URL with no path beyond ``/``),
    serialized; None when it is not one (``null``, another scheme, a path, a bad port)."""
    if not _ORIGIN.fullmatch(text.strip()):
        return None
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return origin(parts.scheme, parts.hostname, port)


def parse_host(header: str) -> tuple[str, int | None] | None:
    """A ``Host`` header's name (lower-cased, IPv6 without brackets) and port; None when it is
    not one."""
    if not _HOST.fullmatch(header.strip()):
        return None
    try:
        parts = urlsplit(f"//{header.strip()}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.path or parts.query or parts.fragment or parts.username:
        return None
    return parts.hostname, port
