"""Front's list envelope: ``_results`` plus a ``_pagination.next`` link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connector_front.errors import UpstreamError


@dataclass(frozen=True)
class FrontPage:
    """One page of a Front listing; ``next_url`` is None on the last page."""

    results: list[dict[str, Any]] = field(default_factory=list)
    next_url: str | None = None

    @classmethod
    def from_body(cls, body: Any, where: str) -> FrontPage:
        """Read a list answer; raises :class:`UpstreamError` if it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("_results"), list):
            raise UpstreamError(
                f"Front's answer to {where} is not a list (no _results array). "
                "Check that the path is a Front list endpoint."
            )
        results = [item for item in body["_results"] if isinstance(item, dict)]
        if len(results) != len(body["_results"]):
            raise UpstreamError(f"Front's answer to {where} has _results that are not objects.")
        pagination = body.get("_pagination")
        next_url = pagination.get("next") if isinstance(pagination, dict) else None
        return cls(
            results=results, next_url=next_url if isinstance(next_url, str) and next_url else None
        )
