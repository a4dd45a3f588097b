"""The connect page's HTML, built from the manifest, a connect session and a connection's
status. Every value is escaped; no token but the page's own session and form token (in its
forms) is ever written into it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any

from connector_front.manifest import Manifest

WHAT = {
    "list": "See the list of {plural}",
    "retrieve": "Read one {singular} by its id",
    "create": "Create {plural}",
    "update": "Change {plural}",
    "delete": "Delete {plural}",
    "events": "Be told when {plural} are created, changed or deleted",
}
"""Operation -> what it lets the app do, said of the model's Front object."""

NOTICES: Mapping[str, tuple[str, str]] = {
    "connected": ("success", "Connected. The app can now use the operations below."),
    "disconnected": (
        "success",
        "Disconnected: the stored tokens were deleted. {name} has no revocation endpoint, so "
        "the app stays listed in {name}'s settings until an admin removes it there.",
    ),
    "revoked": ("success", "Disconnected: the tokens were revoked at {name} and deleted."),
    "access_denied": (
        "error",
        "You declined the authorization at {name} ({name} answered: access_denied), so "
        "nothing was changed. Choose Authorize again when you are ready.",
    ),
    "revoke_failed": (
        "info",
        "Disconnected: the stored tokens were deleted, but {name} could not be asked to "
        "revoke them; an admin can remove the app in {name}'s settings.",
    ),
    "state_reused": (
        "error",
        "This authorization link was already used: each one works once. Go back to your app "
        "and connect again.",
    ),
    "state_expired": (
        "error",
        "The authorization took too long and expired. Go back to your app and connect again.",
    ),
    "state_unknown": (
        "error",
        "This authorization was not started here. Go back to your app and connect again.",
    ),
    "state_browser": (
        "error",
        "This authorization was started in another browser (or this browser's cookies were "
        "cleared), so it was not completed. Go back to your app and connect again, in this "
        "browser.",
    ),
    "front_unreachable": (
        "error",
        "{name} could not be reached to finish the connection. Try again in a moment.",
    ),
    "authorization_failed": (
        "error",
        "{name} did not accept the authorization, so nothing was changed. Start again with "
        "Authorize.",
    ),
}
"""Result codes the page is sent back with -> (kind, message). Unknown codes get a generic
message: the query string never puts its own words on the page."""

REFUSED_BY_FRONT = "{name} did not authorize the connection (it answered: {reason})."


@dataclass(frozen=True)
class OperationView:
    id: str
    what: str
    scopes: tuple[str, ...]


@cache
def _template() -> Template:
    text = resources.files("connector_front.host").joinpath("templates/connect.html")
    return Template(text.read_text(encoding="utf-8"))


def operation_views(manifest: Manifest, operation_ids: Sequence[str]) -> list[OperationView]:
    """What each offered operation lets the app do and the scopes it needs, from the
    manifest (operations it does not list are left out)."""
    found: dict[str, OperationView] = {}
    for model in manifest.models:
        singular = model.frontObject
        plural = " / ".join(f"{part.strip()}s" for part in singular.split("/"))
        entries = [(op.id, op.operation, op.scopes) for op in model.operations if op.supported]
        if model.events.supported:
            entries.append((model.events.id, "events", model.events.scopes))
        for op_id, operation, scopes in entries:
            what = WHAT.get(operation, operation).format(singular=singular, plural=plural)
            found[op_id] = OperationView(op_id, f"{what} ({model.model})", tuple(scopes))
    return [found[op] for op in operation_ids if op in found]


def notice_html(code: str | None, name: str, *, reason: str | None = None) -> str:
    """The banner for a result code (``reason``: Front's own error code, when it refused)."""
    if not code:
        return ""
    if code in NOTICES:
        kind, message = NOTICES[code]
        text = message.format(name=name)
    else:
        kind, text = "error", REFUSED_BY_FRONT.format(name=name, reason=reason or code)
    return _notice(kind, text)


def _notice(kind: str, text: str) -> str:
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="notice {kind}"{role}>{escape(text)}</div>'


def _codes(scopes: Sequence[str]) -> str:
    return ", ".join(f"<code>{escape(s)}</code>" for s in scopes) or "none"


def _status_card(status: Mapping[str, Any], name: str) -> str:
    token = status["token"]
    connected = token.get("status") != "missing"
    state = "Connected" if connected else "Not authorized"
    rows = [
        ("Status", f'<span id="connection-state">{state}</span>'),
        (f"{escape(name)} company", escape(status.get("company") or "not known yet")),
        ("Token", escape(str(token.get("status")))),
        ("Operations", _codes(status["operations"])),
        ("Scopes needed", _codes(status["requiredScopes"])),
    ]
    if status.get("unverifiedScopes"):
        rows.append(("Not checked", _codes(status["unverifiedScopes"])))
    items = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    missing = ""
    if status.get("missingScopes"):
        missing = (
            f'<div class="notice error" role="alert" id="missing-scopes">{escape(name)} '
            f"refused scope(s) {_codes(status['missingScopes'])}: the operations that need "
            f"them will fail. Ask a {escape(name)} admin to add them to the app, then "
            "reconnect.</div>"
        )
    return (
        f'<section class="card" aria-labelledby="status-heading">'
        f'<h2 id="status-heading">Your connection</h2>{missing}<dl>{items}</dl></section>'
    )


def _hidden(session: str, form_token: str, action: str) -> str:
    """The fields every form of the page posts: its session, its form token, its action."""
    return (
        f'<input type="hidden" name="session" value="{escape(session)}">'
        f'<input type="hidden" name="form_token" value="{escape(form_token)}">'
        f'<input type="hidden" name="action" value="{escape(action)}">'
    )


def _authorize_form(
    views: Sequence[OperationView],
    session: str,
    form_token: str,
    name: str,
    granted: Sequence[str] | None,
) -> str:
    """Every offered operation, checked when granted (all of them on a first connection)."""
    boxes = "\n".join(
        f'<div class="operation"><input type="checkbox" name="operation" id="op-{i}" '
        f'value="{escape(v.id)}"{" checked" if granted is None or v.id in granted else ""}>'
        f'<label for="op-{i}"><span class="what">'
        f'{escape(v.what)}</span><span class="scopes">{escape(name)} scopes: '
        f"{_codes(v.scopes)}</span></label></div>"
        for i, v in enumerate(views)
    )
    verb = "Authorize" if granted is None else "Reconnect"
    return (
        f'<section class="card" aria-labelledby="ops-heading">'
        f'<h2 id="ops-heading">What the app may do</h2>'
        f'<form id="authorize" method="post" action="/connect">'
        f"{_hidden(session, form_token, 'authorize')}"
        f"<fieldset><legend>Choose the operations to allow</legend>{boxes}</fieldset>"
        f'<div class="actions"><button type="submit" class="primary" id="authorize-button">'
        f"{verb} with {escape(name)}</button>"
        f'<span id="selected-count" class="muted"></span></div>'
        f'<p class="muted">{escape(name)} shows its consent screen next, then brings you '
        f"back here.</p></form></section>"
    )


def _disconnect_form(session: str, form_token: str, name: str) -> str:
    return (
        f'<section class="card" aria-labelledby="disconnect-heading">'
        f'<h2 id="disconnect-heading">Disconnect</h2>'
        f"<p>The app loses access: its tokens for your {escape(name)} account are revoked "
        f"where {escape(name)} allows it, and deleted.</p>"
        f'<form id="disconnect" method="post" action="/connect">'
        f"{_hidden(session, form_token, 'disconnect')}"
        f'<div class="actions"><button type="submit" id="disconnect-button">Disconnect'
        f"</button></div></form></section>"
    )


def render_page(
    manifest: Manifest,
    *,
    owner_id: str | None = None,
    session: str | None = None,
    form_token: str = "",
    offered: Sequence[str] = (),
    status: Mapping[str, Any] | None = None,
    notice: str = "",
) -> str:
    """The whole page. Without a session only the heading and ``notice`` are shown; its forms
    carry ``form_token``."""
    name = manifest.name
    parts: list[str] = []
    if owner_id is not None and session is not None:
        parts.append(
            f'<p class="muted">Connecting {escape(name)} for account '
            f"<strong>{escape(owner_id)}</strong>.</p>"
        )
        connected = status is not None and status["token"].get("status") != "missing"
        if status is not None:
            parts.append(_status_card(status, name))
        granted = list(status["operations"]) if status is not None and connected else None
        views = operation_views(manifest, offered)
        parts.append(_authorize_form(views, session, form_token, name, granted))
        if status is not None:
            parts.append(_disconnect_form(session, form_token, name))
    return _template().substitute(
        title=escape(f"Connect {name}"),
        heading=escape(f"Connect {name}"),
        notice=notice,
        body="\n".join(parts),
    )


def refusal_notice(message: str) -> str:
    """An error banner with a message of the host's own (a session or input refusal)."""
    return _notice("error", message)
