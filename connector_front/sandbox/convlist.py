"""Listing conversations the way every Front conversation list does.

Most recently updated first (`sort_order` may flip it), `q[statuses][]`,
`q[status_categories][]`, `q[status_ids][]` filters, trashed ones only when asked.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from .endpoint import Ctx, json_response
from .indexes import CONVERSATIONS
from .pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from .qparams import q_values
from .records import Conversation
from .shapes.conversations import conversation_json
from .sortindex import Ordered
from .tickets import CATEGORIES, LIST_STATUSES, STATUS_FILTERS, category


def status_filter(ctx: Ctx) -> Callable[[Conversation], bool]:
    """The `q[...]` status filters of the request as one predicate."""
    db = ctx.db
    statuses = q_values(ctx, "statuses", LIST_STATUSES)
    categories = q_values(ctx, "status_categories", CATEGORIES)
    status_ids = q_values(ctx, "status_ids")

    def keep(conv: Conversation) -> bool:
        if conv.merged_into is not None:
            return False
        if statuses:
            return any(STATUS_FILTERS[s](db, conv) for s in statuses)
        if conv.trashed:
            return False
        if categories and category(db, conv) not in categories:
            return False
        return not status_ids or conv.status_id in status_ids

    return keep


def conversation_page(
    ctx: Ctx,
    within: Ordered[Conversation] | None = None,
    match: Callable[[Conversation], bool] | None = None,
) -> Response:
    """One page of conversations, filtered and ordered per the request.

    From `within` (a group of an index, e.g. one inbox's) or else every
    conversation; `match` narrows further while the page is walked.
    """
    limit = parse_limit(ctx)
    parse_sort_by(ctx, ("date",), "date")
    descending = parse_sort_order(ctx)
    status_ok = status_filter(ctx)

    def keep(conv: Conversation) -> bool:
        return status_ok(conv) and (match is None or match(conv))

    ordered = within if within is not None else ctx.db.index(CONVERSATIONS).whole
    page, token = index_page(ordered, limit, ctx.query.get("page_token"), descending, keep)
    results = [conversation_json(ctx.links, ctx.db, conv) for conv in page]
    return json_response(list_body(ctx, results, token))
