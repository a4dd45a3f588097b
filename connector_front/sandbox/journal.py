"""What the sandbox has seen: requests received (never token values) and counters.

Tests read it through `GET /_sandbox/requests`, `GET /_sandbox/stats` or the
state's methods to check what a client really sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestEntry:
    method: str
    path: str
    query: str
    auth: bool
    status: int | None = None  # None while in flight, or when the connection was dropped

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "auth": self.auth,
            "status": self.status,
        }


@dataclass
class Journal:
    entries: list[RequestEntry] = field(default_factory=list)
    requests: int = 0
    rate_limited: int = 0
    grants: dict[str, int] = field(
        default_factory=lambda: {"authorization_code": 0, "refresh_token": 0}
    )
    # grant_type -> OAuth error -> count: a refused grant (a reused refresh token, say)
    refused: dict[str, dict[str, int]] = field(default_factory=dict)

    def refuse(self, grant: str, error: str) -> None:
        counts = self.refused.setdefault(grant, {})
        counts[error] = counts.get(error, 0) + 1

    def record(self, method: str, path: str, query: str, auth: bool) -> RequestEntry:
        entry = RequestEntry(method, path, query, auth)
        self.entries.append(entry)
        self.requests += 1
        return entry

    def stats(self) -> dict[str, Any]:
        return {
            "grants": dict(self.grants),
            "refused": {grant: dict(errors) for grant, errors in self.refused.items()},
            "requests": self.requests,
            "rate_limited": self.rate_limited,
        }

    def clear_entries(self) -> None:
        self.entries.clear()
