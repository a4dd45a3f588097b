"""Where the connect page is served: on the host name of the OAuth callback.

The page gives the browser a cookie that the callback must read back (``browser_cookies``).
A cookie belongs to a host name: it reaches every port of it, and a plain-http page's cookie
reaches https too. So a page opened by another name (``localhost`` while the callback is on
``127.0.0.1``) leaves it where the callback never sees it. Such a request is sent on to the
same path and query on the callback's origin before the page sets anything.

The target is built from the settings alone. The ``Host`` header only tells that the browser
is elsewhere. Schemes and ports are not compared, because a host behind a proxy that ends TLS
sees http and would otherwise send its browsers round in circles.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from connector_front.util.web_origin import origin, parse_host


def callback_origin(settings: Any) -> str | None:
    """The origin of the settings' ``redirect_uri``. None when customers never come back from
    Front's consent (an API token), or when it names no http(s) origin."""
    if getattr(settings, "api_token", None) is not None:
        return None
    uri = getattr(settings, "redirect_uri", None)
    if not isinstance(uri, str):
        return None
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return origin(parts.scheme, parts.hostname, port)


def page_elsewhere(
    host_header: str | None, path: str, query: str, callback: str | None
) -> str | None:
    """Where a page request addressed to ``host_header`` must go instead: ``path`` and
    ``query`` on the ``callback`` origin, when the browser named another host. None: serve it
    here (same name, or nothing to compare)."""
    if callback is None or host_header is None:
        return None
    named = parse_host(host_header)
    wanted = urlsplit(callback).hostname
    if named is None or wanted is None or named[0] == wanted:
        return None
    return callback + quote(path) + (f"?{query}" if query else "")
