"""What every strategy of one sync pass shares: the owners, the state store, the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connector_front.events.owners import Owners
from connector_front.sync.report import FeedReport, Progress, ProgressUpdate, Stage
from connector_front.sync.state import SyncStateStore


@dataclass(frozen=True)
class SyncContext:
    connector: Owners
    store: SyncStateStore
    clock: Callable[[], float]
    overlap: float
    """Seconds re-read before the cursor, for changes Front records late."""
    full_scan_interval: float
    full_scan_max_known: int
    full: bool = False
    """Force the full id listing (and so the deletion check) this pass."""
    progress: Progress | None = None

    def tell(self, owner_id: str, report: FeedReport, stage: Stage) -> None:
        if self.progress is not None:
            self.progress(
                ProgressUpdate(owner_id, report.model, stage, report.pages, report.records)
            )
