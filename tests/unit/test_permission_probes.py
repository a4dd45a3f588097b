"""Which endpoints the proactive permission check reads, and how it sorts scopes."""

from __future__ import annotations

from typing import Any

from connector_front.errors import InsufficientPermissionError, UpstreamError
from connector_front.grants.permissions import check_permissions, probe_endpoints
from connector_front.registry import ModelRegistry


def test_only_listing_endpoints_of_read_operations_are_probed() -> None:
    registry = ModelRegistry()
    operations = [
        "genericContact::list",
        "genericContact::retrieve",
        "genericContact::create",
        "genericCompany::events",
        "ticketComment::list",
    ]
    endpoints = probe_endpoints(registry, operations)
    assert endpoints == ["GET /contacts", "GET /accounts"]  # each once; no write, no {param}


class Front:
    """Answers each path as told: a dict, or raises the error given."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, Any]] = []

    async def request(self, method: str, path: str, *, params: Any = None) -> Any:
        self.calls.append((path, params))
        answer = self.answers.get(path, {"_results": []})
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_refused_scopes_are_missing_writes_are_unverified() -> None:
    front = Front(
        {
            "/accounts": InsufficientPermissionError("no", scopes=["accounts:read"]),
            "/teams": UpstreamError("Front answered 503"),
        }
    )
    operations = [
        "genericContact::list",
        "genericContact::create",
        "genericCompany::list",
        "genericWorkspace::list",
    ]
    report = await check_permissions(front, ModelRegistry(), operations)
    assert all(params == {"limit": 1} for _, params in front.calls)
    assert report.verified == ("contacts:read",)
    assert report.missing == ("accounts:read",)
    assert report.unverified == ("contacts:write", "teams:read")
    assert report.problems == ("GET /teams: Front answered 503",)
    assert report.to_json()["missingScopes"] == ["accounts:read"]
