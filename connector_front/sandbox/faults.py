"""Faults on request: the next N matching requests get a 5xx, a 429, a delay, a late answer,
no answer, an answer cut off mid-body, or a truncated body.

A fault matches on method (optional) and path: an exact path, or a prefix
ending in `*`. The first live fault that matches is used and its count drops.

- `status`: an error answer with `status`; `rate_limit`: a 429 with a `retry-after` of
  `retry_after` seconds (none when `retry_after` is null: only the `x-ratelimit-*` headers);
- `slow`: the real answer after `delay` seconds; `drop`: the connection closed unanswered;
- `late`: the request is served at once (a token grant is made, a record written), its
  answer is held back for `delay` seconds: a client stopped meanwhile never learns the result;
- `cut`: the real answer's head and the first `keep` of its body (a fraction), then the
  connection is dropped: the body is shorter than its content-length;
- `truncate`: the real answer's body cut to its first `keep`, sent as a complete answer
  (content-length matching): well-framed, but the JSON ends early.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("status", "rate_limit", "slow", "late", "drop", "cut", "truncate")


class FaultSpecError(ValueError):
    """A fault description that cannot be used."""


@dataclass
class Fault:
    id: int
    kind: str
    path: str
    count: int = 1
    method: str | None = None
    status: int = 503
    delay: float = 0.5
    retry_after: float | None = 1.0
    keep: float = 0.5

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _number(spec: Mapping[str, Any], key: str, default: float) -> float:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FaultSpecError(f"{key} must be a non-negative number")
    return float(value)


def parse_fault(spec: Mapping[str, Any], fault_id: int) -> Fault:
    """Validate a fault description (the admin JSON body or keyword arguments)."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultSpecError(f"kind must be one of {', '.join(KINDS)}")
    path = spec.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise FaultSpecError(
            "path must be a string starting with '/' (a trailing * makes a prefix)"
        )
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultSpecError("count must be a positive integer")
    method = spec.get("method")
    if method is not None and not isinstance(method, str):
        raise FaultSpecError("method must be a string")
    status = spec.get("status", 503)
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise FaultSpecError("status must be an HTTP error status (400-599)")
    if "retry_after" in spec and spec["retry_after"] is None:
        retry_after = None
    else:
        retry_after = _number(spec, "retry_after", 1.0)
    keep = _number(spec, "keep", 0.5)
    if keep >= 1:
        raise FaultSpecError("keep must be a fraction of the body below 1")
    return Fault(
        id=fault_id,
        kind=kind,
        path=path,
        count=count,
        method=method.upper() if method else None,
        status=status,
        delay=_number(spec, "delay", 0.5),
        retry_after=retry_after,
        keep=keep,
    )


@dataclass
class FaultBook:
    """Pending faults in the order they were added."""

    faults: list[Fault] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, spec: Mapping[str, Any]) -> Fault:
        fault = parse_fault(spec, next(self._ids))
        self.faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Use up one count of the first fault matching this request, if any."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> int:
        dropped = len(self.faults)
        self.faults.clear()
        return dropped
