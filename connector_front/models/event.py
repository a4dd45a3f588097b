"""The unified event: what a host receives when a record is created, updated or deleted.

``{"event": "ticketIssue::updated", "model", "trigger", "id", "ownerId", "idempotencyKey",
"occurredAt", "source", "references", "data"?}``; ``data`` is the unified record when it could
be read from Front, absent otherwise (the event is never held back for it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from connector_front.models.record import ResourceRef

Trigger = Literal["created", "updated", "deleted"]
EventSource = Literal["webhook", "events_api", "sync"]
TRIGGERS: tuple[Trigger, ...] = ("created", "updated", "deleted")


def idempotency_key(model: str, record_id: str, trigger: str, version: str = "") -> str:
    """One key per real change: ``model:id:trigger[:version]``.

    ``version`` names the change (a Front event id, a record's ``updated_at``, a content hash);
    a record's creation has none, so however it is learnt (webhook, Events API, polling) it is
    one event.
    """
    key = f"{model}:{record_id}:{trigger}"
    return f"{key}:{version}" if version else key


class UnifiedEvent(BaseModel):
    """One unified event, as stored in the event log and delivered to hosts."""

    event: str = Field(description="model::trigger, e.g. ticketIssue::updated")
    model: str
    trigger: Trigger
    id: str = Field(description="id of the record the event is about")
    ownerId: str
    idempotencyKey: str = Field(description="the same for every delivery of one change")
    occurredAt: datetime
    source: EventSource
    references: list[ResourceRef] = Field(
        default_factory=list, description="records the event names (e.g. a comment's issue)"
    )
    data: dict[str, Any] | None = Field(
        default=None, description="the unified record, when it could be read from Front"
    )

    @classmethod
    def build(
        cls,
        *,
        model: str,
        trigger: Trigger,
        record_id: str,
        owner_id: str,
        key: str,
        occurred_at: float | datetime,
        source: EventSource,
        references: list[ResourceRef] | None = None,
        data: dict[str, Any] | None = None,
    ) -> UnifiedEvent:
        when = (
            occurred_at
            if isinstance(occurred_at, datetime)
            else datetime.fromtimestamp(float(occurred_at), tz=UTC)
        )
        return cls(
            event=f"{model}::{trigger}",
            model=model,
            trigger=trigger,
            id=record_id,
            ownerId=owner_id,
            idempotencyKey=key,
            occurredAt=when,
            source=source,
            references=references or [],
            data=data,
        )

    def to_json(self) -> dict[str, Any]:
        body = self.model_dump(mode="json")
        if body["data"] is None:
            del body["data"]
        return body


class EventPage(BaseModel):
    """Events oldest first; ``next`` is the position to pass as ``after`` to continue."""

    object: Literal["list"] = "list"
    data: list[UnifiedEvent] = Field(default_factory=list)
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"object": "list", "data": [e.to_json() for e in self.data], "next": self.next}
