"""Account JSON (`AccountResponse`)."""

from __future__ import annotations

from typing import Any

from ..links import Links
from ..records import Account


def account_json(links: Links, account: Account) -> dict[str, Any]:
    return {
        "_links": {
            "self": links.url(f"/accounts/{account.id}"),
            "related": {"contacts": links.url(f"/accounts/{account.id}/contacts")},
        },
        "id": account.id,
        "name": account.name,
        "logo_url": account.logo_url,
        "description": account.description,
        "domains": list(account.domains),
        "external_id": account.external_id,
        "custom_fields": dict(account.custom_fields),
        "created_at": account.created_at,
        "updated_at": account.updated_at,
    }
