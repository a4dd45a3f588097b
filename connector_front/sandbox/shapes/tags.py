"""Tag and ticket status JSON (`TagResponse`, `StatusResponse`)."""

from __future__ import annotations

from typing import Any

from ..links import Links
from ..records import Status, Tag


def tag_json(links: Links, tag: Tag) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/tags/{tag.id}"),
            "related": {
                "conversations": links.url(f"/tags/{tag.id}/conversations"),
                "owner": None,
                "parent_tag": links.url(f"/tags/{tag.parent_id}") if tag.parent_id else None,
                "children": links.url(f"/tags/{tag.id}/children"),
            },
        },
        "id": tag.id,
        "name": tag.name,
        "description": tag.description,
        "highlight": tag.highlight,
        "is_private": tag.is_private,
        "is_visible_in_conversation_lists": tag.is_visible_in_conversation_lists,
        "created_at": tag.created_at,
        "updated_at": tag.updated_at,
    }


def status_json(links: Links, status: Status) -> dict[str, Any]:
    return {
        "_links": {"self": links.url(f"/company/statuses/{status.id}")},
        "id": status.id,
        "name": status.name,
        "category": status.category,
        "description": status.description,
        "created_at": status.created_at,
        "updated_at": status.updated_at,
    }
