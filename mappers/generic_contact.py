"""genericContact <-> Front contact (``crd_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.generic_contact import GenericContactFields

from .base import (
    CollectionMapper,
    FrontApi,
    FrontJSON,
    ListQuery,
    Unified,
    list_params,
    unknown_filters,
)
from .custom_fields import merged_custom_fields
from .handles import HANDLE_SOURCES, first_handle, handles_for_create
from .names import join_name, split_name
from .timestamps import to_front_seconds


class ContactMapper(CollectionMapper):
    model = "genericContact"
    collection = "/contacts"
    front_object = "contact"
    id_prefixes = ("crd_",)
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

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        first, last = split_name(front.get("name"))
        handles = front.get("handles") or []
        fields: dict[str, Any] = {
            "firstName": first,
            "lastName": last,
            "email": first_handle(handles, "email"),
            "phoneNumber": first_handle(handles, "phone"),
            "description": front.get("description") or None,
        }
        return Unified(
            id=str(front["id"]),
            fields=fields,
            custom_fields=dict(front.get("custom_fields") or {}),
            created_at=front.get("created_at"),
            updated_at=front.get("updated_at"),
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
        self, api: FrontApi, fields: Mapping[str, Any], custom_fields: Mapping[str, Any]
    ) -> FrontJSON:
        handles = handles_for_create(fields)
        if not handles:
            raise InvalidInputError(
                "genericContact: Front needs an email or a phoneNumber to create a contact",
                fields=["fields.email", "fields.phoneNumber"],
            )
        body: dict[str, Any] = {"handles": handles}
        name = join_name(fields.get("firstName"), fields.get("lastName"))
        if name:
            body["name"] = name
        if fields.get("description") is not None:
            body["description"] = fields["description"]
        if custom_fields:
            body["custom_fields"] = dict(custom_fields)
        created: FrontJSON = await api.request("POST", "/contacts", json=body)
        return created

    async def update(
        self,
        api: FrontApi,
        record_id: str,
        fields: Mapping[str, Any],
        custom_fields: Mapping[str, Any],
    ) -> FrontJSON:
        path = self.path(record_id)
        current: FrontJSON = await api.request("GET", path)
        patch: dict[str, Any] = {}
        if "firstName" in fields or "lastName" in fields:
            first, last = split_name(current.get("name"))
            patch["name"] = join_name(fields.get("firstName", first), fields.get("lastName", last))
        if "description" in fields:
            patch["description"] = fields["description"] or ""
        if custom_fields:
            patch["custom_fields"] = merged_custom_fields(current, custom_fields)
        if patch:
            await api.request("PATCH", path, json=patch)
        await self._replace_handles(api, path, current, fields)
        updated: FrontJSON = await api.request("GET", path)
        return updated

    async def _replace_handles(
        self, api: FrontApi, path: str, current: Mapping[str, Any], fields: Mapping[str, Any]
    ) -> None:
        """Swap the primary email / phone handle: add the new one first, then drop the old."""
        handles = current.get("handles") or []
        for name, source in HANDLE_SOURCES.items():
            if name not in fields:
                continue
            old, new = first_handle(handles, source), fields[name]
            if old == new:
                continue
            if new:
                await api.request("POST", f"{path}/handles", json={"handle": new, "source": source})
            if old:
                await api.request(
                    "DELETE", f"{path}/handles", json={"handle": old, "source": source}
                )
