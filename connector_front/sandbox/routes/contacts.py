"""Contacts: list/create/get/update/delete, handles, and `alt:<source>:<handle>` aliases.

PATCH replaces the whole `custom_fields` object when present (as Front does);
PATCH, DELETE and the handle routes answer 204 with no body.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..body import as_object, opt_bool, opt_object, opt_str, opt_str_list, req_str
from ..customfields import validate_custom_fields
from ..endpoint import Ctx, Row, json_response, no_content
from ..errors import FrontError
from ..indexes import CONTACTS
from ..pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from ..qparams import q_float
from ..records import Contact, Handle
from ..shapes.contacts import contact_json

HANDLE_SOURCES = ("twitter", "email", "phone", "facebook", "intercom", "front_chat", "custom")
SORT_FIELDS = ("created_at", "updated_at")


def parse_handle(raw: Any) -> Handle:
    data = as_object(raw)
    source = req_str(data, "source")
    if source not in HANDLE_SOURCES:
        raise FrontError(400, f"source must be one of {', '.join(HANDLE_SOURCES)}")
    return Handle(source, req_str(data, "handle"))


def _claim_handle(ctx: Ctx, handle: Handle, owner: Contact | None) -> None:
    """409 when another contact already has this handle (handles are unique in Front)."""
    holder = ctx.db.contact_by_handle(handle.source, handle.handle)
    if holder is not None and holder is not owner:
        raise FrontError(
            409, f"Handle {handle.source}:{handle.handle} belongs to contact {holder.id}"
        )


def _list_names(data: dict[str, Any]) -> list[str] | None:
    names = opt_str_list(data, "list_names")
    legacy = opt_str_list(data, "group_names")
    return names if names is not None else legacy


def list_contacts(ctx: Ctx) -> Response:
    limit = parse_limit(ctx)
    sort_by = parse_sort_by(ctx, SORT_FIELDS, "created_at")
    descending = parse_sort_order(ctx)
    after, before = q_float(ctx, "updated_after"), q_float(ctx, "updated_before")

    def keep(c: Contact) -> bool:
        return (after is None or c.updated_at > after) and (before is None or c.updated_at < before)

    page, token = index_page(
        ctx.db.index(CONTACTS[sort_by]).whole,
        limit,
        ctx.query.get("page_token"),
        descending,
        keep,
        between=(after, before) if sort_by == "updated_at" else (None, None),
    )
    results = [contact_json(ctx.links, ctx.db, c) for c in page]
    return json_response(list_body(ctx, results, token))


def create_contact(ctx: Ctx) -> Response:
    data = as_object(ctx.body)
    raw_handles = data.get("handles")
    if not isinstance(raw_handles, list) or not raw_handles:
        raise FrontError(400, "handles is required: a non-empty array of {handle, source}")
    handles = [parse_handle(raw) for raw in raw_handles]
    for handle in handles:
        _claim_handle(ctx, handle, None)
    now = ctx.db.now()
    contact = Contact(
        id=ctx.db.new_id("crd"),
        name=opt_str(data, "name") or "",
        handles=list(dict.fromkeys(handles)),
        created_at=now,
        updated_at=now,
        description=opt_str(data, "description") or "",
        links=opt_str_list(data, "links") or [],
        list_names=_list_names(data) or [],
        custom_fields=validate_custom_fields(
            ctx.db, "contact", opt_object(data, "custom_fields") or {}
        ),
        is_private=bool(opt_bool(data, "is_private")),
    )
    for name in contact.list_names:
        ctx.db.list_id(name)
    ctx.db.contacts[contact.id] = contact
    return json_response(contact_json(ctx.links, ctx.db, contact), 201)


def get_contact(ctx: Ctx) -> Response:
    return json_response(contact_json(ctx.links, ctx.db, ctx.db.contact(ctx.param("contact_id"))))


def update_contact(ctx: Ctx) -> Response:
    contact = ctx.db.contact(ctx.param("contact_id"))
    data = as_object(ctx.body)
    custom = opt_object(data, "custom_fields")
    changes: dict[str, Any] = {
        "name": opt_str(data, "name"),
        "description": opt_str(data, "description"),
        "links": opt_str_list(data, "links"),
        "list_names": _list_names(data),
        "custom_fields": None
        if custom is None
        else validate_custom_fields(ctx.db, "contact", custom),
    }
    for attribute, value in changes.items():
        if value is not None:
            setattr(contact, attribute, value)
    for name in contact.list_names:
        ctx.db.list_id(name)
    contact.updated_at = ctx.db.now()
    return no_content()


def delete_contact(ctx: Ctx) -> Response:
    contact = ctx.db.contact(ctx.param("contact_id"))
    del ctx.db.contacts[contact.id]
    return no_content()


def add_handle(ctx: Ctx) -> Response:
    contact = ctx.db.contact(ctx.param("contact_id"))
    handle = parse_handle(ctx.body)
    _claim_handle(ctx, handle, contact)
    if not any(h.matches(handle.source, handle.handle) for h in contact.handles):
        contact.handles.append(handle)
        contact.updated_at = ctx.db.now()
    return no_content()


def delete_handle(ctx: Ctx) -> Response:
    contact = ctx.db.contact(ctx.param("contact_id"))
    data = as_object(ctx.body)
    handle = parse_handle(data)
    force = bool(opt_bool(data, "force"))
    kept = [h for h in contact.handles if not h.matches(handle.source, handle.handle)]
    if len(kept) == len(contact.handles):
        raise FrontError(404, f"Contact {contact.id} has no handle {handle.source}:{handle.handle}")
    if not kept:
        if not force:
            raise FrontError(400, "This is the contact's last handle; send force=true to delete it")
        del ctx.db.contacts[contact.id]
        return no_content()
    contact.handles = kept
    contact.updated_at = ctx.db.now()
    return no_content()


ROUTES: list[Row] = [
    ("GET", "/contacts", list_contacts),
    ("POST", "/contacts", create_contact),
    ("GET", "/contacts/{contact_id}", get_contact),
    ("PATCH", "/contacts/{contact_id}", update_contact),
    ("DELETE", "/contacts/{contact_id}", delete_contact),
    ("POST", "/contacts/{contact_id}/handles", add_handle),
    ("DELETE", "/contacts/{contact_id}/handles", delete_handle),
]
