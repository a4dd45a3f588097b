"""The bodies the host reads and writes, as pydantic models: the OpenAPI document's schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connector_front.models.custom_field import CustomFieldDefinition


class ErrorDetail(BaseModel):
    code: str = Field(description="stable error code, e.g. invalid_input")
    message: str = Field(description="what went wrong and what to do")
    details: dict[str, Any] | None = Field(
        default=None, description="fields at fault, missing scopes, retryAfter..."
    )


class ErrorBody(BaseModel):
    """Every failure: ``{"error": {"code", "message", "details"?}}``."""

    error: ErrorDetail


class ConnectionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    operations: list[str] = Field(
        min_length=1, description='operation ids, e.g. ["genericContact::list"]'
    )


class ConnectionAnswer(BaseModel):
    ownerId: str
    operations: list[str]
    requiredScopes: list[str] = Field(description="Front scopes the OAuth app must have")
    authorizationUrl: str | None = Field(
        description="where to send the customer to approve (null with an API token)"
    )


class CallbackAnswer(BaseModel):
    ownerId: str
    authorized: Literal[True]


class FieldsBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    fields: dict[str, Any] = Field(description="unified field values")


class CustomFieldList(BaseModel):
    object: Literal["list"] = "list"
    data: list[CustomFieldDefinition]


class AnyJSON(BaseModel):
    """Any JSON document (the OpenAPI document itself, or Front's own answer via the proxy)."""

    model_config = ConfigDict(extra="allow")


class WebhookAnswer(BaseModel):
    """A delivery stored (``received``, ``delivery``), or a validation ``challenge`` echoed."""

    received: bool | None = None
    delivery: int | None = Field(default=None, description="the stored delivery's number")
    challenge: str | None = Field(default=None, description="Front's challenge, echoed")


class DeliveryCounts(BaseModel):
    pending: int
    done: int
    unrouted: int = Field(description="from a Front company with no connection here")
    failed: int


class OutboxCounts(BaseModel):
    delivered: int
    pending: int


class WebhookStats(BaseModel):
    deliveries: DeliveryCounts
    events: int = Field(description="unified events in the log")
    outbox: OutboxCounts = Field(description="events pushed to events_url, and still to push")
