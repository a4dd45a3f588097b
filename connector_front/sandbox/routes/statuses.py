"""Ticket statuses of the company (`GET /company/statuses`), used by `status_id`."""

from __future__ import annotations

from starlette.responses import Response

from ..endpoint import Ctx, Row, json_response
from ..pagination import list_body
from ..shapes.tags import status_json


def list_statuses(ctx: Ctx) -> Response:
    statuses = [status_json(ctx.links, s) for s in ctx.db.statuses.values()]
    return json_response(list_body(ctx, statuses, paginated=False))


def get_status(ctx: Ctx) -> Response:
    return json_response(status_json(ctx.links, ctx.db.status(ctx.param("status_id"))))


ROUTES: list[Row] = [
    ("GET", "/company/statuses", list_statuses),
    ("GET", "/company/statuses/{status_id}", get_status),
]
