"""The bodies the host reads and writes, as pydantic models: the OpenAPI document's schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connector_front.models.custom_field import CustomFieldDefinition
from connector_front.models.record import RecordWarning


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
    warnings: list[RecordWarning] = Field(
        default_factory=list,
        description="the owner's declared keys of this model that cannot be mapped, and why",
    )


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


class Liveness(BaseModel):
    status: Literal["ok"] = Field(description="the process answers")


class ReadyCheck(BaseModel):
    ok: bool
    detail: str | None = Field(description="what is wrong (null when ok)")


class Readiness(BaseModel):
    ready: bool = Field(description="every check passed (200); else 503")
    checks: dict[str, ReadyCheck] = Field(
        description="database, migrations, and each background job (webhook_processor, "
        "sync_loop, event_pusher)"
    )


class SessionRequest(BaseModel):
    """``POST /connect/sessions``: the owner the page connects and what it may offer."""

    model_config = ConfigDict(extra="allow")

    ownerId: str = Field(min_length=1, description="the host's id for the customer")
    operations: list[str] = Field(
        min_length=1, description="operation ids the page offers, e.g. genericContact::list"
    )


class SessionAnswer(BaseModel):
    token: str = Field(description="the session token: hand it to the page, keep it out of logs")
    ownerId: str
    operations: list[str]
    requiredScopes: list[str] = Field(description="Front scopes the offered operations need")
    expiresAt: str = Field(description="ISO-8601; the page refuses the token after it")
    path: str = Field(description="the page's path with the session, /connect?session=...")
    url: str = Field(description="the page's absolute URL as this host was called")


class TokenHealth(BaseModel):
    status: Literal["valid", "expiring", "expired", "refused", "missing"]
    expiresAt: str | None = None
    refreshable: bool | None = None
    refusedAt: str | None = Field(
        default=None, description="when Front refused the refresh token: re-authorize"
    )
    message: str | None = None


class ConnectionStatus(BaseModel):
    """A connection: what it may do, which scopes Front refused, how its token is."""

    ownerId: str
    operations: list[str]
    requiredScopes: list[str] = Field(description="scopes the operations need")
    missingScopes: list[str] = Field(description="scopes Front refused when probed")
    verifiedScopes: list[str] = Field(description="scopes a probe saw working")
    unverifiedScopes: list[str] = Field(
        description="scopes not probed (write scopes are never probed with a write)"
    )
    checkedAt: str | None = Field(description="when the scopes were last probed")
    problems: list[str] = Field(description="probes that failed for another reason")
    token: TokenHealth
    company: str | None = Field(description="the Front company (cmp_) once known")
    companyName: str | None = Field(description="that company's name, as Front gives it")
    createdAt: str | None
    warnings: list[RecordWarning] = Field(
        description="declared keys this owner cannot read or write (a field deleted in Front, "
        "a default naming a field the account lacks, a type that does not suit), as of the "
        "last read of Front's custom fields"
    )


class MappedField(BaseModel):
    id: str | None = Field(description="the Front custom field id (null: Front's custom "
                           "fields could not be read; mapped by name)")  # fmt: skip
    name: str
    type: str | None


class MappedKey(BaseModel):
    key: str
    type: str | None = Field(description="the key's type (null: any)")
    values: list[str] | None = Field(description="an enum key's values")
    default: str | None = Field(description="the host's default Front field (name)")
    label: str
    mappedTo: MappedField | None = Field(description="where it maps now (null: nowhere)")
    source: Literal["owner", "default"] | None = Field(
        description="owner: the owner's choice; default: the host's default"
    )
    problem: str | None = Field(description="why it reads null, when it should not")
    choices: list[str] = Field(
        description="ids of the owner's Front custom fields of a type that suits the key"
    )


class FrontCustomField(BaseModel):
    id: str
    name: str
    type: str
    values: list[str] | None = None
    description: str | None = None


class ModelFieldMapping(BaseModel):
    keys: dict[str, MappedKey]
    customFields: list[FrontCustomField] = Field(
        description="the owner's Front custom fields of this model, with their types"
    )
    readAt: str | None = Field(description="when they were read from Front")


class FieldMappingAnswer(BaseModel):
    """An owner's field mapping: declared keys, its choices, its Front custom fields."""

    ownerId: str
    models: dict[str, ModelFieldMapping] = Field(description="per model with declared keys")
    mapping: dict[str, dict[str, str | None]] = Field(
        description="the owner's choices, in PUT's form: key -> Front field id, or null (not "
        "mapped); a key absent follows the host's default"
    )
    problems: list[RecordWarning]


class FieldMappingBody(BaseModel):
    """``{"<model>": {"<key>": "<Front custom field name or id>" or null}}``: replaces the
    owner's choices (a key left out follows the host's default)."""

    model_config = ConfigDict(extra="allow")


class DisconnectAnswer(BaseModel):
    ownerId: str
    disconnected: bool = Field(description="there was a connection or tokens to remove")
    revoked: bool = Field(description="a revocation endpoint accepted the tokens")
    tokensDeleted: bool
    message: str = Field(description="what was done, in words")


class ConnectForm(BaseModel):
    """The connect page's forms (``application/x-www-form-urlencoded``); the "match your
    fields" step also posts ``map.<model>.<key>`` = a Front custom field id, or "" (not used)."""

    model_config = ConfigDict(extra="allow")

    session: str = Field(description="the page's session token")
    form_token: str = Field(
        description="the page's form token, tied to the session and the browser's cookie "
        "(a form without the right one is refused: 403)"
    )
    action: Literal["authorize", "disconnect", "map_fields", "skip_fields"]
    model: list[str] = Field(
        default_factory=list,
        description="kinds of data to share (unified models): every operation the session "
        "offers on each (the page's boxes)",
    )
    operation: list[str] = Field(
        default_factory=list, description="operations to allow, one by one"
    )


class HtmlPage(BaseModel):
    """A page for people (text/html)."""
