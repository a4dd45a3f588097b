"""Links between conversations and external resources: attach, detach, read one.

`POST /conversations/{id}/links` takes `link_ids` or `link_external_urls` (not
both, at most 10; a URL with no link yet creates one); each link attached
records `link_added`, each detached one `link_removed`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

from ..activity import emit, live_conversation
from ..body import as_object, opt_str_list, req_str_list
from ..endpoint import Ctx, Row, json_response, no_content
from ..errors import FrontError
from ..records import Link
from ..shapes.conversations import link_json

MAX_LINKS = 10
LINK_TYPE = "web"  # a link made from a plain URL, with no app behind it


def _at_most(items: list[str], key: str) -> list[str]:
    if not items or len(items) > MAX_LINKS:
        raise FrontError(400, f"{key} must hold 1 to {MAX_LINKS} items")
    return items


def _link_for_url(ctx: Ctx, url: str) -> Link:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FrontError(400, f"link_external_urls: {url!r} is not an absolute http(s) URL")
    for link in ctx.db.links.values():
        if link.external_url == url:
            return link
    link = Link(ctx.db.new_id("top"), url, LINK_TYPE, url)
    ctx.db.links[link.id] = link
    return link


def add_links(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    data = as_object(ctx.body)
    ids, urls = opt_str_list(data, "link_ids"), opt_str_list(data, "link_external_urls")
    if (ids is None) == (urls is None):
        raise FrontError(400, "Provide either link_ids or link_external_urls (not both)")
    if ids is not None:
        chosen = [ctx.db.link(i) for i in _at_most(ids, "link_ids")]
    else:
        chosen = [_link_for_url(ctx, u) for u in _at_most(urls or [], "link_external_urls")]
    for link in chosen:
        if link.id not in conv.link_ids:
            conv.link_ids.append(link.id)
            emit(ctx, "link_added", conv, target_kind="link", target_id=link.id)
    conv.updated_at = ctx.db.now()
    return no_content()


def remove_links(ctx: Ctx) -> Response:
    conv = live_conversation(ctx, ctx.param("conversation_id"))
    ids = _at_most(req_str_list(as_object(ctx.body), "link_ids"), "link_ids")
    for link in [ctx.db.link(i) for i in ids]:
        if link.id in conv.link_ids:
            conv.link_ids.remove(link.id)
            emit(ctx, "link_removed", conv, target_kind="link", target_id=link.id)
    conv.updated_at = ctx.db.now()
    return no_content()


def get_link(ctx: Ctx) -> Response:
    return json_response(link_json(ctx.links, ctx.db.link(ctx.param("link_id"))))


ROUTES: list[Row] = [
    ("POST", "/conversations/{conversation_id}/links", add_links),
    ("DELETE", "/conversations/{conversation_id}/links", remove_links),
    ("GET", "/links/{link_id}", get_link),
]
