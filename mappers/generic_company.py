"""genericCompany <-> Front account (``acc_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.generic_company import GenericCompanyFields

from .base import (
    CollectionMapper,
    FrontApi,
    FrontJSON,
    Unified,
)
from .custom_fields import merged_custom_fields

WRITABLE: Mapping[str, str] = {"name": "name", "description": "description", "domains": "domains"}
"""Unified field -> Front account field, for create and update."""


class CompanyMapper(CollectionMapper):
    model = "genericCompany"
    collection = "/accounts"
    front_object = "account"
    id_prefixes = ("acc_",)
    id_aliases = ("domain", "ext_id")
    fields_model = GenericCompanyFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /accounts",),
        "retrieve": ("GET /accounts/{account_id}",),
        "create": ("POST /accounts",),
        "update": ("GET /accounts/{account_id}", "PATCH /accounts/{account_id}"),
        "delete": ("DELETE /accounts/{account_id}",),
    }
    custom_fields_endpoint = "GET /accounts/custom_fields"

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        return Unified(
            id=str(front["id"]),
            fields={
                "name": front.get("name") or None,
                "description": front.get("description") or None,
                "domains": list(front.get("domains") or []),
            },
            custom_fields=dict(front.get("custom_fields") or {}),
            created_at=front.get("created_at"),
            updated_at=front.get("updated_at"),
        )

    async def create(
        self, api: FrontApi, fields: Mapping[str, Any], custom_fields: Mapping[str, Any]
    ) -> FrontJSON:
        if not fields.get("name"):
            raise InvalidInputError(
                "genericCompany: Front needs a name to create an account", fields=["fields.name"]
            )
        body = _front_fields(fields)
        if custom_fields:
            body["custom_fields"] = dict(custom_fields)
        created: FrontJSON = await api.request("POST", "/accounts", json=body)
        return created

    async def update(
        self,
        api: FrontApi,
        record_id: str,
        fields: Mapping[str, Any],
        custom_fields: Mapping[str, Any],
    ) -> FrontJSON:
        path = self.path(record_id)
        body = _front_fields(fields)
        if custom_fields:
            current: FrontJSON = await api.request("GET", path)
            body["custom_fields"] = merged_custom_fields(current, custom_fields)
        if not body:
            unchanged: FrontJSON = await api.request("GET", path)
            return unchanged
        updated: FrontJSON = await api.request("PATCH", path, json=body)
        return updated


def _front_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for unified, front in WRITABLE.items():
        if unified in fields:
            value = fields[unified]
            body[front] = value if value is not None else ([] if unified == "domains" else "")
    return body
