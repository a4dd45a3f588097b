"""Where the connect page is served: on the host name of the OAuth callback.

The page gives the browser a cookie that the callback must read back (``browser_cookies``).
A cookie belongs to a host name: it reaches every port of it, and a plain-http page's cookie
reaches https too. So a page opened by another name (``localhost`` while the callback is on
``127.0.0.1``) leaves it where the callback never sees it. Such a request is sent on to the
same path and query on the callback's origin before the page sets anything.

The target is built from the settings alone. The ``Host`` header only tells that the browser
is elsewhere. Schemes and ports are not compared, because a host behind a proxy that ends TLS
sees http and would otherwise send its browsers round in circles. For the same reason the move
marks its target (``moved=1``) and a marked request is never moved again: a proxy that replaces
the browser's ``Host`` with the host's own address (nginx without ``proxy_set_header Host
$host``) brings it back by that address however often it is sent; it is served, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from connector_front.util.web_origin import origin, parse_host

MOVED = "moved"
"""The query parameter the move adds (``moved=1``): the request was sent here once already."""


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


@dataclass(frozen=True)
class Elsewhere:
    """A page request that named another host than the callback's."""

    named: str
    """The ``Host`` the request came with (a valid one: a name, an address, a port)."""
    wanted: str
    """The callback's host name."""
    target: str | None
    """Where to send it (marked); None when it is marked: it was sent once and came back by
    ``named``, so it is served where it is."""

    def warning(self) -> str:
        """What the operator should fix when a moved page still comes by another name (it
        names no path and no query: the page's URL holds its session)."""
        return (
            f"the connect page was sent to the OAuth callback's host name {self.wanted!r} and "
            f"came back addressed to {self.named!r}; it is served without moving it again, "
            "but browsers take one more redirect per page. Make the proxy in front of the host "
            "pass the browser's Host header through (nginx: proxy_set_header Host $host;), or "
            "set redirect_uri to the address browsers use"
        )


def _callback_name_if_other(host_header: str | None, callback: str) -> str | None:
    """The ``callback`` origin's host name when ``host_header`` names another host; None when
    it names the same one, or there is nothing to compare (no valid ``Host``)."""
    named = parse_host(host_header) if host_header is not None else None
    wanted = urlsplit(callback).hostname
    if named is None or wanted is None or named[0] == wanted:
        return None
    return wanted


def page_base(host_header: str | None, base_url: str, callback: str | None) -> str:
    """The base of the page's address given to a back end (``POST /connect/sessions``'s
    ``url``): the ``callback`` origin when the request named another host (a back end calling
    the host by an internal address), so the customer's browser is sent where the page is
    served; else ``base_url``, the address the back end used."""
    if callback is None or _callback_name_if_other(host_header, callback) is None:
        return base_url.rstrip("/")
    return callback


def page_elsewhere(
    host_header: str | None, path: str, query: str, callback: str | None
) -> Elsewhere | None:
    """Where a page request addressed to ``host_header`` must go instead, when the browser
    named another host than the ``callback`` origin's: ``path`` and ``query`` there, marked.
    None: serve it here (same name, or nothing to compare)."""
    if callback is None or host_header is None:
        return None
    wanted = _callback_name_if_other(host_header, callback)
    if wanted is None:
        return None
    if any(name == MOVED for name, _ in parse_qsl(query, keep_blank_values=True)):
        return Elsewhere(host_header.strip(), wanted, None)
    target = callback + quote(path) + "?" + (f"{query}&" if query else "") + f"{MOVED}=1"
    return Elsewhere(host_header.strip(), wanted, target)
