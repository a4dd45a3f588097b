"""The manifest a host reads: models, operations (support, scopes, endpoints), custom fields."""

from __future__ import annotations

from pydantic import BaseModel, Field

from connector_front.field_mapping.declared import Declarations
from connector_front.grants.scopes import scopes_for
from connector_front.mappers.base import EVENTS, OPERATIONS, Mapper
from connector_front.mappers.events import EVENT_TYPES
from connector_front.models.event import TRIGGERS
from connector_front.registry import ModelRegistry

CONNECTOR_ID = "front"


class OperationEntry(BaseModel):
    id: str = Field(description="model::op")
    operation: str
    supported: bool
    scopes: list[str] = Field(description="Front scopes the OAuth app needs for it")
    endpoints: list[str] = Field(description="Front endpoints it calls")
    reason: str | None = Field(default=None, description="why Front cannot do it, when unsupported")


class TriggerEntry(BaseModel):
    trigger: str = Field(description="created, updated or deleted")
    event: str = Field(description="model::trigger")
    sources: list[str] = Field(description="how it is produced: webhook, events_api, sync")


class EventsEntry(BaseModel):
    id: str = Field(description="model::events, the operation a connection is created with")
    supported: bool
    strategy: str | None = Field(
        description="updated_after (polling a filtered listing), snapshot (polling the whole "
        "listing, diffed), events_api (Front webhooks, backfilled from Front's Events API)"
    )
    scopes: list[str] = Field(description="Front scopes event sync and enrichment need")
    endpoints: list[str]
    triggers: list[TriggerEntry]


class FieldKeyEntry(BaseModel):
    """A unified key the host declared beyond the standard fields; each owner maps it to one
    of its Front custom fields (``/connections/{ownerId}/field-mapping``)."""

    key: str
    type: str | None = Field(
        description="string, number, boolean, datetime, enum, teammate or inbox; null: "
        "declared by name only, the type of each owner's default Front field"
    )
    values: list[str] | None = Field(description="an enum's values")
    default: str | None = Field(description="the Front custom field (name) it maps to by default")
    label: str = Field(description="what people call it")


class ModelEntry(BaseModel):
    model: str
    frontObject: str
    label: str = Field(description="what a customer calls this kind of data, plural (contacts)")
    customFields: bool = Field(description="Front custom fields can be mapped onto it")
    customFieldScopes: list[str] = Field(
        description="Front scopes needed to list its custom field definitions"
    )
    fieldKeys: list[FieldKeyEntry] = Field(
        default_factory=list, description="the keys the host declared for it, with their types"
    )
    filters: dict[str, str]
    operations: list[OperationEntry]
    events: EventsEntry


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


def build_manifest(registry: ModelRegistry, declared: Declarations | None = None) -> Manifest:
    """Read everything off the mappers' tables, and the keys the host ``declared``; nothing
    here is typed by hand per model."""
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
                label=mapper.kind_label,
                customFields=mapper.custom_fields_endpoint is not None,
                customFieldScopes=list(scopes_for([mapper.custom_fields_endpoint]))
                if mapper.custom_fields_endpoint
                else [],
                fieldKeys=[
                    FieldKeyEntry.model_validate(key.to_json())
                    for key in (declared.for_model(mapper.model) if declared else {}).values()
                ],
                filters=dict(mapper.filters),
                operations=operations,
                events=events_entry(mapper),
            )
        )
    return Manifest(models=models)


POLLED_SOURCES = {"updated_after": ["sync"], "snapshot": ["sync"]}


def triggers_of(mapper: Mapper) -> list[TriggerEntry]:
    """The triggers a model produces: every one by polling, or those Front's activity causes."""
    if not mapper.has_events:
        return []
    if mapper.changes in POLLED_SOURCES:
        produced = dict.fromkeys(TRIGGERS, POLLED_SOURCES[mapper.changes])
    else:
        produced = {}
        for translation in EVENT_TYPES.values():
            for rule in translation.rules:
                if rule.model == mapper.model:
                    produced[rule.trigger] = ["webhook", "events_api"]
                    if rule.first_only:
                        produced["updated"] = ["webhook", "events_api"]
    return [
        TriggerEntry(trigger=t, event=f"{mapper.model}::{t}", sources=produced[t])
        for t in TRIGGERS
        if t in produced
    ]


def events_entry(mapper: Mapper) -> EventsEntry:
    endpoints = list(mapper.endpoints.get(EVENTS, ()))
    return EventsEntry(
        id=f"{mapper.model}::{EVENTS}",
        supported=mapper.has_events,
        strategy=mapper.changes,
        scopes=list(scopes_for(endpoints)),
        endpoints=endpoints,
        triggers=triggers_of(mapper),
    )
