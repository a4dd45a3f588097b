"""Front-style pages: `limit`, opaque `page_token`, `_pagination.next` as a full URL.

Pages are cut by keyset (the sort key of the last item), so records added or
removed between two pages never cause duplicates. Pages are walked from a
sorted index (`sortindex`), found by bisection.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from .endpoint import Ctx
from .errors import FrontError
from .sortindex import Ordered, SortKey

T = TypeVar("T")


def parse_limit(ctx: Ctx, default: int = 50, maximum: int = 100) -> int:
    raw = ctx.query.get("limit")
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise FrontError(400, "limit must be an integer") from None
    if limit < 1:
        raise FrontError(400, "limit must be at least 1")
    if limit > maximum:
        raise FrontError(400, f"limit must be less than or equal to {maximum}")
    return limit


def parse_sort_order(ctx: Ctx, default: str = "desc") -> bool:
    """True when the order is descending."""
    order = ctx.query.get("sort_order", default)
    if order not in ("asc", "desc"):
        raise FrontError(400, "sort_order must be asc or desc")
    return order == "desc"


def parse_sort_by(ctx: Ctx, allowed: Sequence[str], default: str) -> str:
    sort_by = ctx.query.get("sort_by", default)
    if sort_by not in allowed:
        raise FrontError(400, f"sort_by must be one of {', '.join(allowed)}")
    return sort_by


def encode_token(position: SortKey) -> str:
    raw = json.dumps({"after": list(position)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> SortKey:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = data["after"]
        if not isinstance(position, list):
            raise ValueError(token)
    except (ValueError, KeyError, TypeError):
        raise FrontError(400, "Invalid page_token") from None
    return tuple(position)


def index_page(
    ordered: Ordered[T],
    limit: int,
    token: str | None,
    descending: bool,
    keep: Callable[[T], bool] | None = None,
    between: tuple[Any, Any] = (None, None),
) -> tuple[list[T], str | None]:
    """One page of `ordered` after the token's position, and the next token.

    Bisects to the position, then walks (down when `descending`) keeping what
    `keep` accepts until the page is full: O(log n + walked), never a sort.
    `between` bounds the first key part (exclusive), for a filter on the sort field.
    """
    start, stop = ordered.span(*between)
    if token:
        try:
            start, stop = ordered.after(decode_token(token), descending, start, stop)
        except TypeError:
            raise FrontError(400, "Invalid page_token") from None
    positions = range(stop - 1, start - 1, -1) if descending else range(start, stop)
    page: list[T] = []
    last = -1
    for position in positions:
        item = ordered.items[position]
        if keep is not None and not keep(item):
            continue
        if len(page) == limit:
            return page, encode_token(ordered.keys[last])
        page.append(item)
        last = position
    return page, None


def self_url(ctx: Ctx) -> str:
    query = ctx.request.url.query
    return ctx.links.url(ctx.request.url.path) + (f"?{query}" if query else "")


def next_url(ctx: Ctx, token: str | None) -> str | None:
    """The request's own URL with `page_token` replaced, on the sandbox's base URL."""
    if token is None:
        return None
    kept = [(k, v) for k, v in ctx.query.multi_items() if k != "page_token"]
    kept.append(("page_token", token))
    return ctx.links.url(ctx.request.url.path) + "?" + urlencode(kept)


def list_body(
    ctx: Ctx, results: list[Any], token: str | None = None, paginated: bool = True
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if paginated:
        body["_pagination"] = {"next": next_url(ctx, token)}
    body["_links"] = {"self": self_url(ctx)}
    body["_results"] = results
    return body
