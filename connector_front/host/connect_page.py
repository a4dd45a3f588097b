"""The connect page's HTML, built from the manifest, a connect session and a connection's
status: what the app may do in plain words, by kind of data; ids, scopes and probe results
behind a "details" disclosure. Every value is escaped; no token but the page's own session
and form token (in its forms) is ever written into it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any

from connector_front.host.connect_fields import fields_form
from connector_front.host.connect_kinds import KindView, kind_views, kinds_missing, said_together
from connector_front.manifest import Manifest

NOTICES: Mapping[str, tuple[str, str]] = {
    "connected": ("success", "Connected: the data below is now shared with the app."),
    "fields_saved": ("success", "Saved: your fields are matched as shown below."),
    "fields_skipped": (
        "info",
        "Your fields were left as they were. You can match them on this page at any time.",
    ),
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


APP = "this app"
"""How the page calls the app when the host gives it no name (``app_name``)."""


@dataclass(frozen=True)
class PageText:
    """The names the page says things with: the app's (the host's ``app_name``) and Front's."""

    app_name: str | None
    front: str

    @classmethod
    def of(cls, manifest: Manifest, app_name: str | None) -> PageText:
        return cls(app_name, manifest.name)

    @property
    def app(self) -> str:
        """The app, within a sentence."""
        return self.app_name or APP

    @property
    def app_first(self) -> str:
        """The app, starting a sentence."""
        return self.app_name or APP.capitalize()

    @property
    def heading(self) -> str:
        if self.app_name:
            return f"Connect {self.app_name} to {self.front}"
        return f"Connect {self.front}"


@cache
def _template() -> Template:
    text = resources.files("connector_front.host").joinpath("templates/connect.html")
    return Template(text.read_text(encoding="utf-8"))


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


def _codes(values: Sequence[str]) -> str:
    return ", ".join(f"<code>{escape(v)}</code>" for v in values) or "none"


def _details(summary: str, rows: Sequence[tuple[str, str]], ident: str) -> str:
    """A "details" disclosure of developer facts (``rows``: label and value, both HTML),
    closed."""
    items = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<details class="developer" id="{ident}"><summary>{escape(summary)}</summary>'
        f"<dl>{items}</dl></details>"
    )


def _kind_list(kinds: Sequence[KindView]) -> str:
    items = "".join(f"<li>{escape(kind.abilities)}</li>" for kind in kinds)
    return f'<ul class="kinds">{items}</ul>'


def _connected_line(status: Mapping[str, Any], text: PageText) -> str:
    """Whether the app is connected, and to which Front company, in a sentence."""
    if status["token"].get("status") == "missing":
        return (
            f'<p><span id="connection-state">Not connected</span>: {escape(text.app)} has no '
            f"access to your {escape(text.front)} account yet.</p>"
        )
    name = status.get("companyName")
    where = (
        f'<strong id="company-name">{escape(name)}</strong> on {escape(text.front)}'
        if name
        else f"your {escape(text.front)} account"
    )
    return f'<p><span id="connection-state">Connected</span> to {where}.</p>'


def _token_notice(status: Mapping[str, Any], text: PageText) -> str:
    """A sentence when the authorization no longer works (never the token itself)."""
    if status["token"].get("status") != "expired":
        return ""
    return _notice(
        "error",
        f"{text.front}'s authorization has expired, so {text.app} cannot reach your account. "
        "Choose Reconnect below.",
    )


def _missing_notice(status: Mapping[str, Any], kinds: Sequence[KindView], text: PageText) -> str:
    """The kinds of data that will not work because Front refused a scope, and what to do."""
    missing = status.get("missingScopes") or []
    if not missing:
        return ""
    hit = kinds_missing(kinds, missing)
    what = said_together([k.label for k in hit]) if hit else "some of the data"
    return (
        f'<div class="notice error" role="alert" id="missing-scopes">{escape(text.front)} did '
        f"not give {escape(text.app)} every permission it needs, so it cannot use "
        f"{escape(what)}. Ask a {escape(text.front)} admin to add {_codes(missing)} to the "
        "app's permissions, then choose Reconnect.</div>"
    )


def _status_card(
    status: Mapping[str, Any], manifest: Manifest, text: PageText, owner_id: str
) -> str:
    """The connection in words; its ids, scopes and probe results behind a disclosure."""
    kinds = kind_views(manifest, status["operations"])
    connected = status["token"].get("status") != "missing"
    can = ""
    if connected and kinds:
        can = f"<p>{escape(text.app_first)} can:</p>{_kind_list(kinds)}"
    rows = [
        ("Owner id", f"<code>{escape(owner_id)}</code>"),
        (
            f"{escape(text.front)} company",
            _codes([status["company"]] if status.get("company") else []),
        ),
        ("Token", escape(str(status["token"].get("status")))),
        ("Operations", _codes(status["operations"])),
        (f"{escape(text.front)} scopes needed", _codes(status["requiredScopes"])),
        ("Scopes checked", _codes(status.get("verifiedScopes") or [])),
        ("Scopes refused", _codes(status.get("missingScopes") or [])),
        ("Scopes not checked", _codes(status.get("unverifiedScopes") or [])),
        ("Checked at", escape(status.get("checkedAt") or "never")),
    ]
    if status.get("problems"):
        rows.append(("Problems", "<br>".join(escape(str(p)) for p in status["problems"])))
    return (
        '<section class="card" aria-labelledby="status-heading">'
        '<h2 id="status-heading">Your connection</h2>'
        f"{_connected_line(status, text)}{_token_notice(status, text)}"
        f"{_missing_notice(status, kinds, text)}{can}"
        f"{_details('Details for developers', rows, 'connection-details')}</section>"
    )


def _hidden(session: str, form_token: str, action: str | None) -> str:
    """The fields every form of the page posts: its session, its form token, its action
    (None: its buttons say it)."""
    fields = (
        f'<input type="hidden" name="session" value="{escape(session)}">'
        f'<input type="hidden" name="form_token" value="{escape(form_token)}">'
    )
    if action is None:
        return fields
    return fields + f'<input type="hidden" name="action" value="{escape(action)}">'


def _fields_step(
    mapping: Mapping[str, Any] | None,
    manifest: Manifest,
    granted: Sequence[str],
    hidden: str,
    text: PageText,
) -> str:
    """The "match your fields" card, for the kinds of data the connection was granted."""
    if not mapping:
        return ""
    labels = {kind.model: kind.label for kind in kind_views(manifest, granted)}
    return fields_form(mapping, labels, hidden, text.app, text.front)


def _kind_box(index: int, kind: KindView, checked: bool) -> str:
    return (
        f'<div class="kind"><input type="checkbox" name="model" id="kind-{index}" '
        f'value="{escape(kind.model)}"{" checked" if checked else ""} '
        f'aria-describedby="kind-{index}-what">'
        f'<label for="kind-{index}"><span class="what">{escape(kind.title)}</span>'
        f'<span class="detail" id="kind-{index}-what">{escape(kind.abilities)}</span>'
        "</label></div>"
    )


def _authorize_form(
    kinds: Sequence[KindView],
    session: str,
    form_token: str,
    text: PageText,
    granted: Sequence[str] | None,
) -> str:
    """One choice per kind of data (checked when granted; all on a first connection), the
    operations and scopes behind a disclosure."""
    boxes = "\n".join(
        _kind_box(i, kind, granted is None or bool(set(kind.operation_ids) & set(granted)))
        for i, kind in enumerate(kinds)
    )
    verb = "Authorize" if granted is None else "Reconnect"
    heading = (
        f"What {text.app} will be able to do"
        if granted is None
        else f"Change what {text.app} may do"
    )
    scopes = sorted({s for kind in kinds for op in kind.operations for s in op.scopes})
    rows = [(_codes([op.id]), _codes(op.scopes)) for kind in kinds for op in kind.operations]
    rows.append((f"Every {escape(text.front)} scope offered", _codes(scopes)))
    return (
        '<section class="card" aria-labelledby="access-heading">'
        f'<h2 id="access-heading">{escape(heading)}</h2>'
        '<form id="authorize" method="post" action="/connect">'
        f"{_hidden(session, form_token, 'authorize')}"
        f"<fieldset><legend>Choose the data {escape(text.app)} may use in your "
        f"{escape(text.front)} account</legend>{boxes}</fieldset>"
        '<div class="actions"><button type="submit" class="primary" id="authorize-button">'
        f"{verb} with {escape(text.front)}</button>"
        '<span id="selected-count" class="muted"></span></div>'
        f'<p class="muted">{escape(text.front)} asks you to approve next, then brings you '
        "back here.</p></form>"
        f"{_details('Details for developers: operations and scopes', rows, 'access-details')}"
        "</section>"
    )


def _disconnect_form(session: str, form_token: str, text: PageText) -> str:
    front = escape(text.front)
    return (
        '<section class="card" aria-labelledby="disconnect-heading">'
        '<h2 id="disconnect-heading">Disconnect</h2>'
        f"<p>{escape(text.app_first)} loses access to your {front} account: its authorization is "
        f"withdrawn where {front} allows it, and deleted here.</p>"
        '<form id="disconnect" method="post" action="/connect">'
        f"{_hidden(session, form_token, 'disconnect')}"
        '<div class="actions"><button type="submit" id="disconnect-button">Disconnect'
        "</button></div></form></section>"
    )


def render_page(
    manifest: Manifest,
    *,
    app_name: str | None = None,
    owner_id: str | None = None,
    session: str | None = None,
    form_token: str = "",
    offered: Sequence[str] = (),
    status: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    notice: str = "",
) -> str:
    """The whole page. Without a session only the heading and ``notice`` are shown; its forms
    carry ``form_token``. ``fields``: the connection's field mapping, for the "match your
    fields" step (shown once connected)."""
    text = PageText.of(manifest, app_name)
    parts: list[str] = []
    if owner_id is not None and session is not None:
        parts.append(
            f'<p class="lead">{escape(text.app_first)} asks for access to your '
            f"{escape(text.front)} account.</p>"
        )
        connected = status is not None and status["token"].get("status") != "missing"
        if status is not None:
            parts.append(_status_card(status, manifest, text, owner_id))
        granted = list(status["operations"]) if status is not None and connected else None
        if granted is not None:
            hidden = _hidden(session, form_token, None)
            parts.append(_fields_step(fields, manifest, granted, hidden, text))
        kinds = kind_views(manifest, offered)
        parts.append(_authorize_form(kinds, session, form_token, text, granted))
        if status is not None:
            parts.append(_disconnect_form(session, form_token, text))
    return _template().substitute(
        title=escape(text.heading),
        heading=escape(text.heading),
        notice=notice,
        body="\n".join(parts),
    )


def refusal_notice(message: str) -> str:
    """An error banner with a message of the host's own (a session or input refusal)."""
    return _notice("error", message)
