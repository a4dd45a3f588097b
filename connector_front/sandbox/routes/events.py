"""The activity log (`GET /events`): newest first, `q[types][]`, `q[after]`, `q[before]`,
`q[inboxes][]`; at most 15 per page, as Front documents."""

from __future__ import annotations

from starlette.responses import Response

from ..endpoint import Ctx, Row, json_response
from ..indexes import EVENTS
from ..pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from ..qparams import q_float, q_values
from ..records import Event
from ..shapes.events import event_json

MAX_EVENTS_PAGE = 15


def list_events(ctx: Ctx) -> Response:
    limit = parse_limit(ctx, default=MAX_EVENTS_PAGE, maximum=MAX_EVENTS_PAGE)
    parse_sort_by(ctx, ("created_at",), "created_at")
    descending = parse_sort_order(ctx)
    types = set(q_values(ctx, "types"))
    inboxes = set(q_values(ctx, "inboxes"))
    after, before = q_float(ctx, "after"), q_float(ctx, "before")
    db = ctx.db

    def keep(event: Event) -> bool:
        conv = db.conversations.get(event.conversation_id)
        return (
            conv is not None
            and (not types or event.type in types)
            and (not inboxes or bool(inboxes & set(conv.inbox_ids)))
        )

    page, token = index_page(
        db.index(EVENTS).whole,
        limit,
        ctx.query.get("page_token"),
        descending,
        keep,
        between=(after, before),
    )
    return json_response(list_body(ctx, [event_json(ctx.links, db, e) for e in page], token))


def get_event(ctx: Ctx) -> Response:
    return json_response(event_json(ctx.links, ctx.db, ctx.db.event(ctx.param("event_id"))))


ROUTES: list[Row] = [
    ("GET", "/events", list_events),
    ("GET", "/events/{event_id}", get_event),
]
