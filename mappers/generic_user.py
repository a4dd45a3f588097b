"""genericUser <-> Front teammate (``tea_``). Front cannot create or delete teammates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from connector_front.models.generic_user import GenericUserFields

from .base import FRONT_ID_PREFIXES, CollectionMapper, FrontField, same


class UserMapper(CollectionMapper):
    model = "genericUser"
    collection = "/teammates"
    paged = False  # Front answers GET /teammates whole
    front_object = "teammate"
    label = "teammates"
    id_prefixes = (FRONT_ID_PREFIXES["teammate"],)
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

    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "firstName": FrontField("first_name"),
        "lastName": FrontField("last_name"),
        "email": FrontField("email"),
        "username": FrontField("username"),
        "isAvailable": FrontField("is_available", read=same),
    }
    unchangeable: ClassVar[Mapping[str, str]] = {
        "email": "Front does not let the API change a teammate's email; "
        "the teammate changes it in Front",
    }

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
