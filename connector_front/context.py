"""What one owner's connection works with, built by the connector and handed down.

A connection and its resources read the owner's grants, call Front and keep records through
this context alone: nothing below the connector reaches back up to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector_front.clients import FrontClients
from connector_front.connections import ConnectionStore
from connector_front.cursor import CursorCodec
from connector_front.errors import AuthorizationRequiredError
from connector_front.field_mapping import FieldMapping
from connector_front.registry import ModelRegistry
from connector_front.settings import ConnectorSettings
from connector_front.transport import FrontClient


@dataclass(frozen=True)
class OwnerContext:
    owner_id: str
    settings: ConnectorSettings
    registry: ModelRegistry
    field_mapping: FieldMapping
    cursors: CursorCodec
    connections: ConnectionStore
    clients: FrontClients

    @property
    def client(self) -> FrontClient:
        """The owner's Front client (one per owner, shared by its connections)."""
        return self.clients.get(self.owner_id)

    async def grants(self) -> tuple[str, ...] | None:
        """The operations the owner's connection was created with, read once per call; None
        in API-token mode without a connection (the token itself is the authority)."""
        info = await self.connections.get(self.owner_id)
        if info is None and self.settings.uses_oauth:
            raise AuthorizationRequiredError(
                f"owner {self.owner_id!r} has no connection; create one with the operations it "
                "needs, then authorize it"
            )
        return None if info is None else info.operations
