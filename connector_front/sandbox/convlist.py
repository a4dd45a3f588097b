"""Listing conversations the way every Front conversation list does.

Most recently updated first (`sort_order` may flip it), `q[statuses][]`,
`q[status_categories][]`, `q[status_ids][]` filters, trashed ones only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from starlette.responses import Response

from .endpoint import Ctx, json_response
from .pagination import cut_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from .qparams import q_values
from .records import Conversation
from .shapes.conversations import conversation_json
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


def conversation_page(ctx: Ctx, candidates: Iterable[Conversation]) -> Response:
    """One page of conversations from `candidates`, filtered and sorted per the request."""
    limit = parse_limit(ctx)
    parse_sort_by(ctx, ("date",), "date")
    descending = parse_sort_order(ctx)
    keep = status_filter(ctx)
    chosen = [conv for conv in candidates if keep(conv)]
    page, token = cut_page(
        chosen, lambda c: (c.updated_at, c.id), limit, ctx.query.get("page_token"), descending
    )
    results = [conversation_json(ctx.links, ctx.db, conv) for conv in page]
    return json_response(list_body(ctx, results, token))
