"""What work across owners (event sync, webhook processing) uses of the connector."""

from __future__ import annotations

from typing import Protocol

from connector_front.connection import Connection
from connector_front.events.builder import EventBuilder
from connector_front.events.log import EventLog
from connector_front.events.stream import EventStream
from connector_front.registry import ModelRegistry
from connector_front.settings import ConnectorSettings
from connector_front.store.connections import ConnectionStore


class Owners(Protocol):
    """The settings, the stores and each owner's connection (the connector is one)."""

    settings: ConnectorSettings
    registry: ModelRegistry
    connections: ConnectionStore
    event_log: EventLog
    event_builder: EventBuilder
    streams: EventStream

    def connection(self, owner_id: str) -> Connection: ...
