"""Teammate, team and inbox JSON (`TeammateResponse`, `TeamResponse`, `InboxResponse`)."""

from __future__ import annotations

from typing import Any

from ..database import Database
from ..indexes import INBOXES_BY_TEAM
from ..links import Links
from ..records import Inbox, Team, Teammate


def teammate_json(links: Links, teammate: Teammate) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/teammates/{teammate.id}"),
            "related": {
                "inboxes": links.url(f"/teammates/{teammate.id}/inboxes"),
                "conversations": links.url(f"/teammates/{teammate.id}/conversations"),
            },
        },
        "id": teammate.id,
        "email": teammate.email,
        "username": teammate.username,
        "first_name": teammate.first_name,
        "last_name": teammate.last_name,
        "is_admin": teammate.is_admin,
        "is_available": teammate.is_available,
        "is_blocked": teammate.is_blocked,
        "type": teammate.type,
        "license_type": teammate.license_type,
        "custom_fields": dict(teammate.custom_fields),
    }


def inbox_json(links: Links, inbox: Inbox) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/inboxes/{inbox.id}"),
            "related": {
                "teammates": links.url(f"/inboxes/{inbox.id}/teammates"),
                "conversations": links.url(f"/inboxes/{inbox.id}/conversations"),
                "channels": links.url(f"/inboxes/{inbox.id}/channels"),
                "owner": links.url(f"/teams/{inbox.team_id}"),
            },
        },
        "id": inbox.id,
        "name": inbox.name,
        "is_private": inbox.is_private,
        "is_public": inbox.is_public,
        "custom_fields": dict(inbox.custom_fields),
    }


def team_preview_json(links: Links, team: Team) -> dict[str, Any]:
    return {"_links": {"self": links.url(f"/teams/{team.id}")}, "id": team.id, "name": team.name}


def team_json(links: Links, db: Database, team: Team) -> dict[str, Any]:
    inboxes = db.index(INBOXES_BY_TEAM).group(team.id).items
    members = [db.teammates[m] for m in team.member_ids if m in db.teammates]
    return {
        **team_preview_json(links, team),
        "inboxes": [inbox_json(links, inbox) for inbox in inboxes],
        "members": [teammate_json(links, member) for member in members],
    }
