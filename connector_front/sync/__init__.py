"""Event sync: created / updated / deleted events for every model, from a persisted cursor.

Polled models are listed (``updated_after`` or a whole ``snapshot``) and compared with the
records seen last time; conversations and comments read Front's Events API. The strategy of
each model comes from its mapper's ``changes`` (see :data:`connector_front.sync.engine.FEEDS`).
"""

from connector_front.sync.engine import SyncEngine
from connector_front.sync.loop import background_sync, sync_forever
from connector_front.sync.report import (
    FeedReport,
    OwnerReport,
    Progress,
    ProgressUpdate,
    SyncReport,
)

__all__ = [
    "FeedReport",
    "OwnerReport",
    "Progress",
    "ProgressUpdate",
    "SyncEngine",
    "SyncReport",
    "background_sync",
    "sync_forever",
]
