"""Contact JSON (`ContactResponse`), its lists, and custom field definitions.

Beyond the spec's ContactResponse the sandbox also sends `created_at` and
`updated_at` (float seconds), which Front keeps for sorting and filtering.
"""

from __future__ import annotations

from typing import Any

from ..database import Database
from ..links import Links
from ..records import Contact, CustomField


def custom_field_json(links: Links, field: CustomField) -> dict[str, Any]:
    data: dict[str, Any] = {
        "_links": {"self": links.url(f"/custom_fields/{field.id}")},
        "id": field.id,
        "name": field.name,
        "description": field.description,
        "type": field.type,
    }
    if field.values is not None:
        data["values"] = [dict(v) for v in field.values]
    return data


def contact_list_json(links: Links, list_id: str, name: str) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/contact_lists/{list_id}"),
            "related": {"contacts": links.url(f"/contact_lists/{list_id}/contacts")},
        },
        "id": list_id,
        "name": name,
        "is_private": False,
    }


def contact_json(links: Links, db: Database, contact: Contact) -> dict[str, Any]:
    lists = [contact_list_json(links, db.list_id(name), name) for name in contact.list_names]
    data: dict[str, Any] = {
        "_links": {
            "self": links.url(f"/contacts/{contact.id}"),
            "related": {
                "notes": links.url(f"/contacts/{contact.id}/notes"),
                "conversations": links.url(f"/contacts/{contact.id}/conversations"),
            },
        },
        "id": contact.id,
        "name": contact.name,
        "description": contact.description,
        "links": list(contact.links),
        "groups": lists,
        "lists": lists,
        "handles": [{"handle": h.handle, "source": h.source} for h in contact.handles],
        "custom_fields": dict(contact.custom_fields),
        "is_private": contact.is_private,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }
    if contact.avatar_url:
        data["avatar_url"] = contact.avatar_url
    return data
