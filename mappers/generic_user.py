"""genericUser <-> Front teammate (``tea_``). Front cannot create or delete teammates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.generic_user import GenericUserFields

from .base import (
    CollectionMapper,
    FrontApi,
    FrontJSON,
    Unified,
)
from .custom_fields import merged_custom_fields

WRITABLE: Mapping[str, str] = {
    "firstName": "first_name",
    "lastName": "last_name",
    "username": "username",
    "isAvailable": "is_available",
}
"""Unified field -> Front teammate field that PATCH accepts (email is not among them)."""


class UserMapper(CollectionMapper):
    model = "genericUser"
    collection = "/teammates"
    front_object = "teammate"
    id_prefixes = ("tea_",)
    id_aliases = ("email",)
    fields_model = GenericUserFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /teammates",),
        "retrieve": ("GET /teammates/{teammate_id}",),
        "update": ("GET /teammates/{teammate_id}", "PATCH /teammates/{teammate_id}"),
        "events": ("GET /teammates", "GET /teammates/{teammate_id}"),
    }
    changes = "snapshot"
    not_supported: ClassVar[Mapping[str, str]] = {
        "create": "Front's API has no endpoint to create teammates; invite them from Front's "
        "company settings (or provision them with SCIM)",
        "delete": "Front's API has no endpoint to delete teammates; deactivate them from "
        "Front's company settings",
    }
    custom_fields_endpoint = "GET /teammates/custom_fields"

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        return Unified(
            id=str(front["id"]),
            fields={
                "firstName": front.get("first_name") or None,
                "lastName": front.get("last_name") or None,
                "email": front.get("email") or None,
                "username": front.get("username") or None,
                "isAvailable": front.get("is_available"),
            },
            custom_fields=dict(front.get("custom_fields") or {}),
        )

    async def update(
        self,
        api: FrontApi,
        record_id: str,
        fields: Mapping[str, Any],
        custom_fields: Mapping[str, Any],
    ) -> FrontJSON:
        if "email" in fields:
            raise InvalidInputError(
                "genericUser: Front does not let the API change a teammate's email; "
                "the teammate changes it in Front",
                fields=["fields.email"],
            )
        path = self.path(record_id)
        body = {front: fields[unified] for unified, front in WRITABLE.items() if unified in fields}
        if custom_fields:
            current: FrontJSON = await api.request("GET", path)
            body["custom_fields"] = merged_custom_fields(current, custom_fields)
        if body:
            await api.request("PATCH", path, json=body)
        updated: FrontJSON = await api.request("GET", path)
        return updated

    def check_id(self, record_id: str) -> None:
        """A teammate id, ``alt:email:…``, or a bare email (looked up as ``alt:email:``)."""
        super().check_id(_as_alias(record_id))

    def path(self, record_id: str) -> str:
        """Teammates can be looked up by email: ``ada@x.co`` -> ``alt:email:ada@x.co``."""
        return super().path(_as_alias(record_id))


def _as_alias(record_id: str) -> str:
    """A bare email is Front's ``alt:email:`` alias; anything else is left as given."""
    if "@" in record_id and not record_id.startswith("alt:"):
        return f"alt:email:{record_id}"
    return record_id
