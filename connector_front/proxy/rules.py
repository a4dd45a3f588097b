"""The proxy's rules: which paths and headers may pass to Front (auth is added by transport)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from connector_front.errors import ConnectorError, InvalidInputError, OperationNotGrantedError
from connector_front.grants.scopes import match_template, scope_table
from connector_front.registry import ModelRegistry


class ProxyPathNotAllowedError(ConnectorError):
    """The path is not an endpoint of Front's API (per its spec), so the proxy will not send it."""

    code = "proxy_path_not_allowed"
    status = 403


FORWARDED_HEADERS = frozenset({"accept", "content-type", "if-none-match", "if-match"})
"""Request headers passed to Front. Authorization is never taken from the caller."""
MAX_PATH_LENGTH = 2048
"""Longest proxied path: Front's own paths are far shorter."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_proxy_path(path: str) -> str:
    """A Front API path such as ``/contacts``; absolute URLs and dot segments are refused."""
    candidate = path if path.startswith("/") else "/" + path
    if len(candidate) > MAX_PATH_LENGTH or _CONTROL.search(unquote(candidate)):
        raise InvalidInputError(
            f"proxy path must be a Front API path of at most {MAX_PATH_LENGTH} characters "
            "without control characters (such as NUL)",
            fields=["path"],
        )
    parts = urlsplit(candidate)
    decoded = unquote(parts.path)
    if "://" in path or parts.netloc or candidate.startswith("//"):
        raise InvalidInputError(
            "the proxy reaches Front's API only: give a path such as /contacts, not a URL",
            fields=["path"],
        )
    if any(segment in {".", ".."} for segment in decoded.split("/")) or "\\" in decoded:
        raise InvalidInputError(
            f"proxy path {path!r} has '.' or '..' segments; give the Front API path as documented",
            fields=["path"],
        )
    return parts.path


def forwardable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() in FORWARDED_HEADERS}


def check_proxy_grant(
    method: str,
    path: str,
    operations: Iterable[str] | None,
    registry: ModelRegistry,
    *,
    allow_unknown: bool = False,
) -> None:
    """Let a proxied call through only if the connection's granted operations cover its scopes.

    ``operations`` None means no connection restricts the call (an API token's own authority).
    A path that matches no endpoint of Front's spec is refused unless ``allow_unknown``.
    """
    template = match_template(method, path)
    if template is None:
        if allow_unknown:
            return
        raise ProxyPathNotAllowedError(
            f"{method} {path} is not an endpoint of Front's API, so the proxy does not send it; "
            "give a documented Front API path (or set proxy_allow_unknown_paths to allow "
            "others)"
        )
    if operations is None:
        return
    granted_operations = list(operations)
    needed = set(scope_table()[template])
    granted = set(registry.required_scopes(granted_operations))
    missing = sorted(needed - granted)
    if not missing:
        return
    operation = _operation_covering(template, needed, registry)
    advice = (
        f"recreate the connection with {operation} and authorize it again"
        if operation
        else "no unified operation needs that scope; use an API token for it"
    )
    raise OperationNotGrantedError(
        f"the proxy refuses {method} {path}: Front requires {', '.join(missing)} for "
        f"{template}, which the connection's operations ({', '.join(granted_operations)}) do "
        f"not need; {advice}",
        details={"operationNeeded": operation, "missingScopes": missing},
    )


def _operation_covering(template: str, needed: set[str], registry: ModelRegistry) -> str | None:
    """The operation that calls ``template`` itself, else the narrowest one covering ``needed``."""
    covering: list[tuple[int, str]] = []
    for mapper in registry:
        for operation, endpoints in mapper.endpoints.items():
            operation_id = f"{mapper.model}::{operation}"
            if template in endpoints:
                return operation_id
            scopes = set(registry.required_scopes([operation_id]))
            if needed <= scopes:
                covering.append((len(scopes), operation_id))
    return min(covering)[1] if covering else None
