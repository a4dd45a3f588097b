"""Unified events: the event model, the durable event log, and how Front activity becomes events."""

from connector_front.models.event import (
    EventPage,
    EventSource,
    Trigger,
    UnifiedEvent,
    idempotency_key,
)

__all__ = ["EventPage", "EventSource", "Trigger", "UnifiedEvent", "idempotency_key"]
