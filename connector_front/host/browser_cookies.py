"""The two cookies the connect page gives the customer's browser.

``connector_front_browser`` names the browser with a random value (HttpOnly, SameSite=Lax,
so no other site's page sends it along with a form or reads it). The page's form token is
derived from it and the session, and an authorization the page starts is bound to it: the
OAuth callback is completed only in the browser that started it.

``connector_front_return`` holds, for the OAuth callback only, the session the page was
authorizing from: when the authorization does not complete (refused at Front, a bad code),
the callback sends the browser back to its own page without minting a session.
"""

from __future__ import annotations

import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

BROWSER = "connector_front_browser"
RETURN = "connector_front_return"
CALLBACK_PATH = "/oauth/callback"
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{43}")


def browser_id(request: Request) -> str | None:
    """The browser's id, when it sent a well-formed one."""
    value = request.cookies.get(BROWSER, "")
    return value if _BROWSER_ID.fullmatch(value) else None


def new_browser_id() -> str:
    return secrets.token_urlsafe(32)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def remember_browser(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        BROWSER, value, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )


def remember_return(response: Response, request: Request, session: str, seconds: float) -> None:
    """Keep ``session`` for the callback, at most ``seconds`` (a session's lifetime)."""
    response.set_cookie(
        RETURN,
        session,
        max_age=max(1, int(seconds)),
        path=CALLBACK_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def returned_session(request: Request) -> str | None:
    return request.cookies.get(RETURN) or None


def forget_return(response: Response, request: Request) -> None:
    response.delete_cookie(
        RETURN, path=CALLBACK_PATH, httponly=True, samesite="lax", secure=_secure(request)
    )
