"""Inboxes: list, create (in the oldest team or a given team), get, members, conversations."""

from __future__ import annotations

from starlette.responses import Response

from ..body import as_object, opt_bool, opt_object, opt_str_list, req_str
from ..convlist import conversation_page
from ..customfields import validate_custom_fields
from ..endpoint import Ctx, Row, json_response
from ..errors import FrontError
from ..indexes import CONVERSATIONS_BY_INBOX, INBOXES_BY_TEAM
from ..pagination import list_body
from ..records import Inbox, Team
from ..shapes.people import inbox_json, teammate_json


def _create_in(ctx: Ctx, team: Team) -> Response:
    data = as_object(ctx.body)
    teammate_ids = [ctx.db.teammate(t).id for t in opt_str_list(data, "teammate_ids") or []]
    name = req_str(data, "name")
    is_public = opt_bool(data, "is_public")
    if any(inbox.name == name for inbox in ctx.db.inboxes.values()):
        raise FrontError(409, f"An inbox named {name!r} already exists")
    inbox = Inbox(
        id=ctx.db.new_id("inb"),
        name=name,
        team_id=team.id,
        is_public=True if is_public is None else is_public,
        teammate_ids=teammate_ids,
        custom_fields=validate_custom_fields(
            ctx.db, "inbox", opt_object(data, "custom_fields") or {}
        ),
    )
    ctx.db.inboxes[inbox.id] = inbox
    return json_response(inbox_json(ctx.links, inbox), 201)


def list_inboxes(ctx: Ctx) -> Response:
    inboxes = [inbox_json(ctx.links, i) for i in ctx.db.inboxes.values()]
    return json_response(list_body(ctx, inboxes, paginated=False))


def create_inbox(ctx: Ctx) -> Response:
    return _create_in(ctx, ctx.db.oldest_team())


def create_team_inbox(ctx: Ctx) -> Response:
    return _create_in(ctx, ctx.db.team(ctx.param("team_id")))


def team_inboxes(ctx: Ctx) -> Response:
    team = ctx.db.team(ctx.param("team_id"))
    inboxes = [inbox_json(ctx.links, i) for i in ctx.db.index(INBOXES_BY_TEAM).group(team.id).items]
    return json_response(list_body(ctx, inboxes, paginated=False))


def get_inbox(ctx: Ctx) -> Response:
    return json_response(inbox_json(ctx.links, ctx.db.inbox(ctx.param("inbox_id"))))


def inbox_teammates(ctx: Ctx) -> Response:
    inbox = ctx.db.inbox(ctx.param("inbox_id"))
    members = [teammate_json(ctx.links, ctx.db.teammates[t]) for t in inbox.teammate_ids]
    return json_response(list_body(ctx, members, paginated=False))


def inbox_conversations(ctx: Ctx) -> Response:
    inbox = ctx.db.inbox(ctx.param("inbox_id"))
    return conversation_page(ctx, ctx.db.index(CONVERSATIONS_BY_INBOX).group(inbox.id))


ROUTES: list[Row] = [
    ("GET", "/inboxes", list_inboxes),
    ("POST", "/inboxes", create_inbox),
    ("GET", "/inboxes/{inbox_id}", get_inbox),
    ("GET", "/inboxes/{inbox_id}/teammates", inbox_teammates),
    ("GET", "/inboxes/{inbox_id}/conversations", inbox_conversations),
    ("GET", "/teams/{team_id}/inboxes", team_inboxes),
    ("POST", "/teams/{team_id}/inboxes", create_team_inbox),
]
