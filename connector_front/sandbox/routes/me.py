"""`GET /me`: the company the token belongs to (IdentityResponse)."""

from __future__ import annotations

from starlette.responses import Response

from ..endpoint import Ctx, Row, json_response


def me(ctx: Ctx) -> Response:
    company = ctx.db.company
    return json_response(
        {"_links": {"self": ctx.links.url("/me")}, "id": company.id, "name": company.name}
    )


ROUTES: list[Row] = [("GET", "/me", me)]
