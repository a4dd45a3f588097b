"""Tags: list, create, get, update, delete (deleting also untags conversations)."""

from __future__ import annotations

from starlette.responses import Response

from ..body import as_object, opt_bool, opt_str, req_str
from ..endpoint import Ctx, Row, json_response, no_content
from ..errors import FrontError
from ..indexes import TAGS
from ..pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from ..records import Tag
from ..shapes.tags import tag_json

HIGHLIGHTS = ("grey", "pink", "red", "orange", "yellow", "green", "light-blue", "blue", "purple")
MAX_NAME = 64


def _name(value: str | None, owner: Tag | None, tags: dict[str, Tag]) -> str | None:
    if value is None:
        return None
    if not value.strip() or len(value) > MAX_NAME:
        raise FrontError(400, f"name must be 1 to {MAX_NAME} characters")
    if any(t.name == value and t is not owner for t in tags.values()):
        raise FrontError(409, f"A tag named {value!r} already exists")
    return value


def _highlight(value: str | None) -> str | None:
    if value is not None and value not in HIGHLIGHTS:
        raise FrontError(400, f"highlight must be one of {', '.join(HIGHLIGHTS)}")
    return value


def list_tags(ctx: Ctx) -> Response:
    limit = parse_limit(ctx)
    parse_sort_by(ctx, ("id",), "id")
    descending = parse_sort_order(ctx, default="asc")
    page, token = index_page(
        ctx.db.index(TAGS).whole, limit, ctx.query.get("page_token"), descending
    )
    return json_response(list_body(ctx, [tag_json(ctx.links, t) for t in page], token))


def create_tag(ctx: Ctx) -> Response:
    data = as_object(ctx.body)
    name = _name(req_str(data, "name"), None, ctx.db.tags)
    assert name is not None
    now = ctx.db.now()
    tag = Tag(
        id=ctx.db.new_id("tag"),
        name=name,
        created_at=now,
        updated_at=now,
        highlight=_highlight(opt_str(data, "highlight")),
        is_visible_in_conversation_lists=bool(opt_bool(data, "is_visible_in_conversation_lists")),
    )
    ctx.db.tags[tag.id] = tag
    return json_response(tag_json(ctx.links, tag), 201)


def get_tag(ctx: Ctx) -> Response:
    return json_response(tag_json(ctx.links, ctx.db.tag(ctx.param("tag_id"))))


def update_tag(ctx: Ctx) -> Response:
    tag = ctx.db.tag(ctx.param("tag_id"))
    data = as_object(ctx.body)
    name = _name(opt_str(data, "name"), tag, ctx.db.tags)
    highlight = _highlight(opt_str(data, "highlight"))
    parent = opt_str(data, "parent_tag_id")
    visible = opt_bool(data, "is_visible_in_conversation_lists")
    if parent is not None:
        tag.parent_id = ctx.db.tag(parent).id
    if name is not None:
        tag.name = name
    if highlight is not None:
        tag.highlight = highlight
    if visible is not None:
        tag.is_visible_in_conversation_lists = visible
    tag.updated_at = ctx.db.now()
    return no_content()


def delete_tag(ctx: Ctx) -> Response:
    tag = ctx.db.tag(ctx.param("tag_id"))
    del ctx.db.tags[tag.id]
    for conv in ctx.db.conversations.values():
        if tag.id in conv.tag_ids:
            conv.tag_ids.remove(tag.id)
    return no_content()


ROUTES: list[Row] = [
    ("GET", "/tags", list_tags),
    ("POST", "/tags", create_tag),
    ("GET", "/tags/{tag_id}", get_tag),
    ("PATCH", "/tags/{tag_id}", update_tag),
    ("DELETE", "/tags/{tag_id}", delete_tag),
]
