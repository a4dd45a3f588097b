"""The connect page's routes: sessions for the host's back end, the page, its form, and the
OAuth callback's way back to the page.

``POST /connect/sessions`` needs the host key; the page (``GET /connect``, ``POST /connect``)
is open and authenticates each request by its session token, and each form by a form token
tied to the session and to the browser's cookie (see ``browser_cookies``). The operations the
customer chose wait with the OAuth state and apply only in a successful callback. The
callback returns to the page only for an authorization the page started (the state's
origin, kept server side), only in the browser that started it, and mints a session only
from a valid code: the return target is never taken from the request.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from connector_front.connect_session import ConnectSession
from connector_front.errors import (
    AuthorizationRequiredError,
    InvalidInputError,
    InvalidSessionError,
    OAuthStateError,
    UpstreamError,
)
from connector_front.health import iso
from connector_front.host import requests as read
from connector_front.host.browser_cookies import (
    browser_id,
    forget_return,
    new_browser_id,
    remember_browser,
    remember_return,
    returned_session,
)
from connector_front.host.connect_fields import chosen_fields
from connector_front.host.connect_origin import page_base, page_elsewhere
from connector_front.host.connect_page import notice_html, refusal_notice, render_page

log = logging.getLogger("connector_front.host")

PAGE = "/connect"
ORIGIN = "connect"
"""``page`` of the origin the page stores with each authorization it starts."""
FORM = "application/x-www-form-urlencoded"
HEADERS = {"cache-control": "no-store", "referrer-policy": "same-origin"}
"""The page's URL holds its session: never cached, never sent on as a referrer to another
origin (``same-origin``, not ``no-referrer``: under that a browser sends the page's own form
with ``Origin: null``, which the host refuses as it would another site's)."""
_FRONT_CODE = re.compile(r"[a-z_]{1,40}")
AGAIN = "To connect, go back to your app and open its connect link again."
FORGED = (
    "This form was not sent from this connect page in this browser: its form token is missing "
    "or wrong, so nothing was done. Open the connect link again and use the page's buttons "
    "(the page needs cookies for this site)."
)


def _connector(request: Request) -> Any:
    return request.app.state.connector


def _html(request: Request, http_status: int = 200, **page: Any) -> Response:
    connector = _connector(request)
    html = render_page(
        connector.manifest(), app_name=getattr(connector.settings, "app_name", None), **page
    )
    return HTMLResponse(html, status_code=http_status, headers=HEADERS)


async def create_session(request: Request) -> Response:
    """A connect session for ``ownerId`` and the ``operations`` the page may offer."""
    body = await read.json_object(request)
    owner, operations = body.get("ownerId"), body.get("operations")
    if not isinstance(owner, str) or not owner.strip():
        raise InvalidInputError("ownerId must be a non-empty string", fields=["ownerId"])
    if not isinstance(operations, list) or not all(isinstance(o, str) for o in operations):
        raise InvalidInputError(
            'operations must be a non-empty list such as ["genericContact::list"]',
            fields=["operations"],
        )
    connector = _connector(request)
    unique = connector.registry.grantable(operations)
    token, session = connector.sessions.issue(owner, unique)
    path = f"{PAGE}?{urlencode({'session': token})}"
    return JSONResponse(
        {
            "token": token,
            "ownerId": owner,
            "operations": unique,
            "requiredScopes": connector.registry.required_scopes(unique),
            "expiresAt": iso(session.expires_at),
            "path": path,
            "url": page_base(
                request.headers.get("host"),
                str(request.base_url),
                request.app.state.host_config.callback_origin,
            )
            + path,
        },
        status_code=201,
    )


def _refused(request: Request, exc: InvalidSessionError) -> Response:
    return _html(request, 401, notice=refusal_notice(exc.message))


async def _page(
    request: Request, token: str, session: ConnectSession, notice: str, status: int = 200
) -> Response:
    """The page with its forms, each carrying a form token for this browser (whose cookie
    the answer sets)."""
    connection = _connector(request).connection(session.owner_id)
    info = await connection.status()
    fields = await _fields(request, connection, info)
    browser = browser_id(request) or new_browser_id()
    answer = _html(
        request,
        status,
        owner_id=session.owner_id,
        session=token,
        form_token=_connector(request).sessions.form_token(token, browser),
        offered=session.operations,
        status=info,
        fields=fields,
        notice=notice,
    )
    remember_browser(answer, request, browser)
    return answer


async def _fields(
    request: Request, connection: Any, status: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The connection's field mapping for the "match your fields" step: when connected with
    an operation on a model the host declared keys for (Front's definitions as last read)."""
    if status is None or status["token"].get("status") == "missing":
        return None
    granted = {op.partition("::")[0] for op in status["operations"]}
    declared = {m.model for m in _connector(request).manifest().models if m.fieldKeys}
    if not granted & declared:
        return None
    mapping: dict[str, Any] = await connection.field_mapping(read=False)
    return mapping


RESULTS = frozenset(
    {"connected", "disconnected", "revoked", "revoke_failed", "fields_saved", "fields_skipped"}
)
"""``result`` codes the page is sent back with after something went well."""


def _result_notice(request: Request) -> str:
    name = _connector(request).manifest().name
    error = request.query_params.get("error")
    if error:
        code = error if _FRONT_CODE.fullmatch(error) else "refused"
        return notice_html(code if code not in RESULTS else "refused", name, reason=code)
    result = request.query_params.get("result")
    return notice_html(result, name) if result in RESULTS else ""


def _moved(request: Request) -> Response | None:
    """A 303 to the page on the callback's host name; None: serve it here (with a warning when
    it was sent there once and still came by another name)."""
    elsewhere = page_elsewhere(
        request.headers.get("host"),
        request.scope["path"],
        request.scope.get("query_string", b"").decode("latin-1"),
        request.app.state.host_config.callback_origin,
    )
    if elsewhere is None:
        return None
    if elsewhere.target is None:
        log.warning("%s", elsewhere.warning())
        return None
    return RedirectResponse(elsewhere.target, status_code=303, headers=HEADERS)


async def show(request: Request) -> Response:
    """``GET /connect?session=`` (or ``/connect/{owner_id}?session=``): the page, on the
    callback's host name (see ``connect_origin``)."""
    moved = _moved(request)
    if moved is not None:  # before its cookie is set: it must land where the callback is
        return moved
    wanted = request.path_params.get("owner_id")
    if wanted is not None and (wanted in {".", ".."} or not wanted.isprintable()):
        message = f"{wanted!r} is not an owner id. " + AGAIN
        return _html(request, 400, notice=refusal_notice(message))
    token = request.query_params.get("session")
    notice = _result_notice(request)
    if not token and request.query_params.get("error"):
        # back from an authorization that could not be trusted to name its owner
        return _html(request, 400, notice=notice + refusal_notice(AGAIN))
    try:
        session = _connector(request).sessions.verify(token)
    except InvalidSessionError as exc:
        return _refused(request, exc)
    if wanted is not None and wanted != session.owner_id:
        message = "This connect link is for another account. " + AGAIN
        return _html(request, 403, notice=refusal_notice(message))
    assert token is not None
    return await _page(request, token, session, notice)


async def _form(request: Request) -> dict[str, list[str]]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != FORM:
        raise InvalidInputError(f"send the page's form as {FORM}", fields=["content-type"])
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the form is not UTF-8", fields=["body"]) from None
    return parse_qs(text, keep_blank_values=True)


async def act(request: Request) -> Response:
    """``POST /connect``: the page's form (``action`` authorize or disconnect)."""
    try:
        form = await _form(request)
    except InvalidInputError as exc:
        return _html(request, 400, notice=refusal_notice(exc.message))
    token = next(iter(form.get("session", [])), None)
    sessions = _connector(request).sessions
    try:
        session = sessions.verify(token)
    except InvalidSessionError as exc:
        return _refused(request, exc)
    assert token is not None
    browser = browser_id(request)
    given = next(iter(form.get("form_token", [])), None)
    if browser is None or not sessions.form_token_valid(token, browser, given):
        return _html(request, 403, notice=refusal_notice(FORGED))
    action = next(iter(form.get("action", [])), "")
    if action == "authorize":
        chosen = chosen_operations(session, form.get("model", []), form.get("operation", []))
        return await _authorize(request, token, session, browser, chosen)
    if action == "disconnect":
        return await _disconnect(request, token, session)
    if action == "map_fields":
        return await _map_fields(request, token, session, form)
    if action == "skip_fields":
        return _back(token, result="fields_skipped")
    notice = refusal_notice("Unknown action: use one of the page's buttons.")
    return await _page(request, token, session, notice, 400)


async def _map_fields(
    request: Request, token: str, session: ConnectSession, form: dict[str, list[str]]
) -> Response:
    """The "match your fields" step saved: the owner's choices for the keys shown (the other
    models keep theirs), checked as ``PUT /connections/{ownerId}/field-mapping`` checks them."""
    connection = _connector(request).connection(session.owner_id)
    current = await connection.field_mapping(read=False)
    try:
        await connection.set_field_mapping(chosen_fields(current["mapping"], form))
    except InvalidInputError as exc:
        notice = refusal_notice(f"Your fields were not saved: {exc.message}")
        return await _page(request, token, session, notice, 400)
    return _back(token, result="fields_saved")


def chosen_operations(
    session: ConnectSession, models: list[str], operations: list[str]
) -> list[str]:
    """What the form asks for: every offered operation of each chosen kind of data
    (``model``, as the page's boxes post them), then each ``operation`` named one by one."""
    wanted = set(models)
    of_kinds = [op for op in session.operations if op.partition("::")[0] in wanted]
    return list(dict.fromkeys([*of_kinds, *operations]))


def _back(token: str | None, **query: str) -> Response:
    """303 to the page (with ``token`` when the request proved it may have one)."""
    params = {"session": token, **query} if token else query
    return RedirectResponse(f"{PAGE}?{urlencode(params)}", status_code=303, headers=HEADERS)


async def _authorize(
    request: Request, token: str, session: ConnectSession, browser: str, chosen: list[str]
) -> Response:
    """To Front's consent screen. The chosen operations wait with the OAuth state (bound to
    this browser) and apply only if the customer consents; the page's session is kept for
    the callback, to come back to if the authorization does not complete."""
    operations = list(dict.fromkeys(chosen))
    if not operations:
        notice = refusal_notice("Choose at least one kind of data to share, then Authorize.")
        return await _page(request, token, session, notice, 400)
    extra = [op for op in operations if op not in session.operations]
    if extra:
        notice = refusal_notice(
            f"This connect link does not offer {', '.join(extra)}. Choose among the listed "
            "operations."
        )
        return await _page(request, token, session, notice, 403)
    connector = _connector(request)
    connection = connector.connection(session.owner_id)
    origin = {"page": ORIGIN, "owner": session.owner_id, "operations": list(session.operations)}
    started = await connection.authorize(
        json.dumps(origin), operations=operations, binding=browser
    )
    if started.authorization_url is None:  # an API token: nothing for the customer to approve
        await connection.learn_company()
        await connector.check_permissions(session.owner_id)
        return _back(token, result="connected")
    answer = RedirectResponse(started.authorization_url, status_code=303, headers=HEADERS)
    remember_return(answer, request, token, connector.sessions.ttl)
    return answer


async def _disconnect(request: Request, token: str, session: ConnectSession) -> Response:
    connector = _connector(request)
    done = await connector.connection(session.owner_id).disconnect()
    if done["revoked"]:
        return _back(token, result="revoked")
    failed = done["tokensDeleted"] and connector.settings.revoke_url is not None
    return _back(token, result="revoke_failed" if failed else "disconnected")


def page_origin(origin: str | None) -> dict[str, Any] | None:
    """The origin of an authorization the page started, else None."""
    if origin is None:
        return None
    with suppress(ValueError):
        data = json.loads(origin)
        if isinstance(data, dict) and data.get("page") == ORIGIN:
            return data
    return None


async def callback(request: Request, origin: dict[str, Any], state: str) -> Response:
    """The OAuth callback of a page-started authorization, in the browser that started it:
    finish it, then back to the page with a fresh session and the result. Without a valid
    code no session is minted: the browser goes back to the session it came from (its
    cookie), if it is still valid and for this owner; a used, expired, unknown or foreign
    state gets none."""
    connector = _connector(request)
    owner, offered = str(origin["owner"]), [str(o) for o in origin["operations"]]
    error, code = request.query_params.get("error"), request.query_params.get("code")
    binding = browser_id(request)
    if error or not code:
        try:
            await connector.consume_state(state, binding=binding)
        except OAuthStateError as exc:
            return _back(None, error=f"state_{exc.reason}")
        if not error:
            return _returned(request, owner, "authorization_failed")
        return _returned(request, owner, error if _FRONT_CODE.fullmatch(error) else "refused")
    try:
        await connector.complete_authorization(code, state, binding=binding)
    except OAuthStateError as exc:
        return _back(None, error=f"state_{exc.reason}")
    except UpstreamError:
        return _returned(request, owner, "front_unreachable")
    except AuthorizationRequiredError:
        return _returned(request, owner, "authorization_failed")
    token, _ = connector.sessions.issue(owner, offered)
    answer = _back(token, result="connected")
    forget_return(answer, request)
    return answer


def _returned(request: Request, owner: str, error: str) -> Response:
    """Back to the page with ``error``, under the session this browser authorized from when
    it is still valid and for ``owner`` (never a new one)."""
    kept = returned_session(request)
    try:
        session = _connector(request).sessions.verify(kept)
    except InvalidSessionError:
        kept = None
    else:
        kept = kept if session.owner_id == owner else None
    answer = _back(kept, error=error)
    forget_return(answer, request)
    return answer
