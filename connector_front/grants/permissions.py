"""The proactive permission check: right after an authorization, read one record through
each granted read operation and note which Front scopes Front refused.

Front's OAuth has no scope introspection, so a cheap read (``limit=1`` on each listing
endpoint the operation uses) is how a missing scope is found before the host's first real
call fails. Write scopes are never probed with a write: they are reported as unverified, and
so are read scopes no listing endpoint covers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from connector_front.errors import ConnectorError, InsufficientPermissionError
from connector_front.grants.scopes import scopes_for
from connector_front.mappers.base import Mapper

READ_OPERATIONS = frozenset({"list", "retrieve", "events"})


class Reader(Protocol):
    async def request(self, method: str, path: str, *, params: Any = None) -> Any: ...


class Operations(Protocol):
    """What the check reads of the model registry: each operation's mapper, and the scopes
    the operations need (the registry is one; the check needs nothing else of it)."""

    def parse_operation(self, operation_id: str) -> tuple[Mapper, str]: ...

    def required_scopes(self, operation_ids: Iterable[str]) -> list[str]: ...


@dataclass(frozen=True)
class PermissionReport:
    """Scopes seen working, refused, and not checked, for one connection's operations."""

    checked_at: float
    verified: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Probes that failed for another reason than a scope (Front unreachable...)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "checkedAt": self.checked_at,
            "verifiedScopes": list(self.verified),
            "missingScopes": list(self.missing),
            "unverifiedScopes": list(self.unverified),
            "problems": list(self.problems),
        }


def probe_endpoints(registry: Operations, operations: Sequence[str]) -> list[str]:
    """The listing endpoints (``GET`` without a path parameter) of the granted read
    operations, each once, in the order the operations name them."""
    found: dict[str, None] = {}
    for operation_id in operations:
        mapper, operation = registry.parse_operation(operation_id)
        if operation not in READ_OPERATIONS:
            continue
        for endpoint in mapper.endpoints.get(operation, ()):
            method, _, path = endpoint.partition(" ")
            if method == "GET" and "{" not in path:
                found[endpoint] = None
    return list(found)


async def check_permissions(
    reader: Reader, registry: Operations, operations: Sequence[str]
) -> PermissionReport:
    """Read one record from each probe endpoint; sort the operations' scopes by the result."""
    verified: set[str] = set()
    missing: set[str] = set()
    problems: list[str] = []
    for endpoint in probe_endpoints(registry, operations):
        path = endpoint.partition(" ")[2]
        scopes = set(scopes_for([endpoint]))
        try:
            await reader.request("GET", path, params={"limit": 1})
        except InsufficientPermissionError as exc:
            missing |= set(exc.scopes) or scopes
        except ConnectorError as exc:
            problems.append(f"GET {path}: {exc.message}")
        else:
            verified |= scopes
    verified -= missing
    required = set(registry.required_scopes(operations))
    return PermissionReport(
        checked_at=time.time(),
        verified=tuple(sorted(verified)),
        missing=tuple(sorted(missing)),
        unverified=tuple(sorted(required - verified - missing)),
        problems=tuple(problems),
    )
