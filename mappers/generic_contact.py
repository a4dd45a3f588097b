"""genericContact <-> Front contact (``crd_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.generic_contact import GenericContactFields

from .base import (
    FRONT_ID_PREFIXES,
    CollectionMapper,
    CustomFields,
    FrontApi,
    FrontField,
    FrontItem,
    FrontJSON,
    ListQuery,
    Unified,
    blank,
    list_params,
    unknown_filters,
    with_custom,
)
from .handles import HANDLE_SOURCES, first_handle, handles_for_create, primary_handles
from .names import join_name, split_name
from .timestamps import to_front_seconds


class ContactMapper(CollectionMapper):
    model = "genericContact"
    collection = "/contacts"
    front_object = "contact"
    id_prefixes = (FRONT_ID_PREFIXES["contact"],)
    id_aliases = ("email", "phone")
    fields_model = GenericContactFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /contacts",),
        "retrieve": ("GET /contacts/{contact_id}",),
        "create": ("POST /contacts",),
        "update": (
            "GET /contacts/{contact_id}",
            "PATCH /contacts/{contact_id}",
            "POST /contacts/{contact_id}/handles",
            "DELETE /contacts/{contact_id}/handles",
        ),
        "delete": ("DELETE /contacts/{contact_id}",),
        "events": ("GET /contacts", "GET /contacts/{contact_id}"),
    }
    changes = "updated_after"
    filters: ClassVar[Mapping[str, str]] = {
        "updatedAfter": "contacts updated after this time (ISO-8601 or epoch seconds)",
        "updatedBefore": "contacts updated before this time (ISO-8601 or epoch seconds)",
    }
    custom_fields_endpoint = "GET /contacts/custom_fields"
    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "description": FrontField("description", write=blank),
    }
    reads_before_update = True  # the name to keep half of, the handles to swap

    def to_unified(self, item: FrontItem) -> Unified:
        first, last = split_name(item.front.get("name"))
        primary = primary_handles(item.front.get("handles") or ())
        return self.unified(
            item,
            firstName=first,
            lastName=last,
            email=primary.get("email"),
            phoneNumber=primary.get("phone"),
        )

    def front_params(self, query: ListQuery) -> dict[str, Any]:
        unknown_filters(query, list(self.filters), model=self.model)
        return list_params(
            query,
            **{
                "q[updated_after]": to_front_seconds(
                    query.filters.get("updatedAfter"), "updatedAfter"
                ),
                "q[updated_before]": to_front_seconds(
                    query.filters.get("updatedBefore"), "updatedBefore"
                ),
            },
        )

    async def create(
        self, api: FrontApi, fields: GenericContactFields, custom_fields: CustomFields
    ) -> FrontItem:
        handles = handles_for_create(fields)
        if not handles:
            raise InvalidInputError(
                "genericContact: Front needs an email or a phoneNumber to create a contact",
                fields=["fields.email", "fields.phoneNumber"],
            )
        body: FrontJSON = {"handles": handles, **self.front_body(fields)}
        name = join_name(fields.firstName, fields.lastName)
        if name:
            body["name"] = name
        body = with_custom(body, custom_fields)
        return FrontItem(await api.request_json("POST", "/contacts", json=body))

    async def update_body(
        self, api: FrontApi, path: str, current: FrontJSON, fields: GenericContactFields
    ) -> FrontJSON:
        patch = self.front_body(fields)
        written = fields.model_fields_set
        if written & {"firstName", "lastName"}:
            first, last = split_name(current.get("name"))
            patch["name"] = join_name(
                fields.firstName if "firstName" in written else first,
                fields.lastName if "lastName" in written else last,
            )
        return patch

    async def after_update(
        self, api: FrontApi, path: str, current: FrontJSON, fields: GenericContactFields
    ) -> None:
        """Swap the primary email / phone handle: add the new one first, then drop the old."""
        handles = current.get("handles") or []
        for name, source in HANDLE_SOURCES.items():
            if name not in fields.model_fields_set:
                continue
            old, new = first_handle(handles, source), getattr(fields, name)
            if old == new:
                continue
            if new:
                await api.request("POST", f"{path}/handles", json={"handle": new, "source": source})
            if old:
                await api.request(
                    "DELETE", f"{path}/handles", json={"handle": old, "source": source}
                )
