"""Teammates (list, get by id or `alt:email:`, update) and teams (workspaces)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..body import as_object, opt_bool, opt_object, opt_str
from ..customfields import validate_custom_fields
from ..endpoint import Ctx, Row, json_response, no_content
from ..pagination import list_body
from ..shapes.people import team_json, team_preview_json, teammate_json


def list_teammates(ctx: Ctx) -> Response:
    people = [t for t in ctx.db.teammates.values() if t.type == "user"]
    return json_response(
        list_body(ctx, [teammate_json(ctx.links, t) for t in people], paginated=False)
    )


def get_teammate(ctx: Ctx) -> Response:
    return json_response(teammate_json(ctx.links, ctx.db.teammate(ctx.param("teammate_id"))))


def update_teammate(ctx: Ctx) -> Response:
    teammate = ctx.db.teammate(ctx.param("teammate_id"))
    data = as_object(ctx.body)
    custom = opt_object(data, "custom_fields")
    changes: dict[str, Any] = {
        "username": opt_str(data, "username"),
        "first_name": opt_str(data, "first_name"),
        "last_name": opt_str(data, "last_name"),
        "is_available": opt_bool(data, "is_available"),
        "custom_fields": None
        if custom is None
        else validate_custom_fields(ctx.db, "teammate", custom),
    }
    for attribute, value in changes.items():
        if value is not None:
            setattr(teammate, attribute, value)
    return no_content()


def list_teams(ctx: Ctx) -> Response:
    teams = [team_preview_json(ctx.links, t) for t in ctx.db.teams.values()]
    return json_response(list_body(ctx, teams, paginated=False))


def get_team(ctx: Ctx) -> Response:
    return json_response(team_json(ctx.links, ctx.db, ctx.db.team(ctx.param("team_id"))))


ROUTES: list[Row] = [
    ("GET", "/teammates", list_teammates),
    ("GET", "/teammates/{teammate_id}", get_teammate),
    ("PATCH", "/teammates/{teammate_id}", update_teammate),
    ("GET", "/teams", list_teams),
    ("GET", "/teams/{team_id}", get_team),
]
