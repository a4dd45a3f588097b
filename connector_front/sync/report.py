"""What a sync pass did, per owner and model, and the progress it reports while it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from connector_front.mappers.base import ChangeFeed
from connector_front.models.event import TRIGGERS

Stage = Literal["listing", "emitted", "committed"]
"""``listing``: a page was read; ``emitted``: events are in the log, the state is not yet
saved; ``committed``: the feed's state is saved."""


@dataclass(frozen=True)
class ProgressUpdate:
    """Sent to a ``progress`` callback after every page and at each step of a feed's pass."""

    owner_id: str
    model: str
    stage: Stage
    pages: int
    records: int


Progress = Callable[[ProgressUpdate], None]


def _no_events() -> dict[str, int]:
    return dict.fromkeys(TRIGGERS, 0)


@dataclass
class FeedReport:
    """One model's part of a pass."""

    model: str
    strategy: ChangeFeed
    baseline: bool = False
    note: str | None = None
    pages: int = 0
    records: int = 0
    emitted: dict[str, int] = field(default_factory=_no_events)
    deletions_checked: bool = False
    deletions_note: str | None = None
    error: str | None = None

    def count(self, triggers: Iterable[str]) -> None:
        for trigger in triggers:
            self.emitted[trigger] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "strategy": self.strategy,
            "baseline": self.baseline,
            "note": self.note,
            "pages": self.pages,
            "records": self.records,
            "emitted": dict(self.emitted),
            "deletions": {"checked": self.deletions_checked, "note": self.deletions_note},
            "error": self.error,
        }


@dataclass
class OwnerReport:
    """One owner's pass: a report per model; ``error`` when the pass could not run at all,
    ``skipped`` when another worker was running it (not a failure: that worker syncs it)."""

    owner_id: str
    models: list[FeedReport] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None

    @property
    def emitted(self) -> int:
        return sum(sum(feed.emitted.values()) for feed in self.models)

    @property
    def failed(self) -> bool:
        return self.error is not None or any(feed.error for feed in self.models)

    def to_json(self) -> dict[str, Any]:
        return {
            "ownerId": self.owner_id,
            "emitted": self.emitted,
            "error": self.error,
            "skipped": self.skipped,
            "models": [feed.to_json() for feed in self.models],
        }


@dataclass
class SyncReport:
    """A whole pass over one or more owners."""

    started_at: datetime
    finished_at: datetime | None = None
    owners: list[OwnerReport] = field(default_factory=list)

    @classmethod
    def start(cls) -> SyncReport:
        return cls(started_at=datetime.now(tz=UTC))

    @property
    def emitted(self) -> int:
        return sum(owner.emitted for owner in self.owners)

    @property
    def failed(self) -> bool:
        return any(owner.failed for owner in self.owners)

    def feed(self, owner_id: str, model: str) -> FeedReport:
        """The report of one owner's model (KeyError when that model was not synced)."""
        for owner in self.owners:
            if owner.owner_id == owner_id:
                for feed in owner.models:
                    if feed.model == model:
                        return feed
        raise KeyError(f"{owner_id}/{model}")

    def to_json(self) -> dict[str, Any]:
        return {
            "startedAt": self.started_at.isoformat(),
            "finishedAt": self.finished_at.isoformat() if self.finished_at else None,
            "emitted": self.emitted,
            "failed": self.failed,
            "owners": [owner.to_json() for owner in self.owners],
        }
