"""The manifest a host reads: models, operations (support, scopes, endpoints), custom fields."""

from __future__ import annotations

from pydantic import BaseModel, Field

from connector_front.mappers.base import OPERATIONS
from connector_front.registry import ModelRegistry
from connector_front.scopes import scopes_for

CONNECTOR_ID = "front"


class OperationEntry(BaseModel):
    id: str = Field(description="model::op")
    operation: str
    supported: bool
    scopes: list[str] = Field(description="Front scopes the OAuth app needs for it")
    endpoints: list[str] = Field(description="Front endpoints it calls")
    reason: str | None = Field(default=None, description="why Front cannot do it, when unsupported")


class ModelEntry(BaseModel):
    model: str
    frontObject: str
    customFields: bool = Field(description="Front custom fields can be mapped onto it")
    customFieldScopes: list[str] = Field(
        description="Front scopes needed to list its custom field definitions"
    )
    filters: dict[str, str]
    operations: list[OperationEntry]


class AuthEntry(BaseModel):
    type: str = "oauth2"
    scopeParameter: bool = Field(
        default=False,
        description="Front sets scopes on the OAuth app, not in the authorization request",
    )
    alternatives: list[str] = ["api_token"]


class Manifest(BaseModel):
    id: str = CONNECTOR_ID
    name: str = "Front"
    auth: AuthEntry = AuthEntry()
    models: list[ModelEntry]


def build_manifest(registry: ModelRegistry) -> Manifest:
    """Read everything off the mappers' tables; nothing here is typed by hand per model."""
    models = []
    for mapper in registry:
        operations = []
        for operation in OPERATIONS:
            endpoints = list(mapper.endpoints.get(operation, ()))
            supported = mapper.supports(operation)
            operations.append(
                OperationEntry(
                    id=f"{mapper.model}::{operation}",
                    operation=operation,
                    supported=supported,
                    scopes=list(scopes_for(endpoints)),
                    endpoints=endpoints,
                    reason=None if supported else mapper.unsupported_reason(operation),
                )
            )
        models.append(
            ModelEntry(
                model=mapper.model,
                frontObject=mapper.front_object,
                customFields=mapper.custom_fields_endpoint is not None,
                customFieldScopes=list(scopes_for([mapper.custom_fields_endpoint]))
                if mapper.custom_fields_endpoint
                else [],
                filters=dict(mapper.filters),
                operations=operations,
            )
        )
    return Manifest(models=models)
