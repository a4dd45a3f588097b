"""Front OAuth scopes per API operation, from the table generated out of Front's spec.

The table (`data/front_scopes.json`, built by `scripts/generate_scopes.py`) is loaded once;
concrete request paths are matched to spec templates through a per-method segment trie.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from urllib.parse import urlsplit

__all__ = ["match_template", "required_scopes", "scope_table", "scopes_for"]

_PACKAGE = "connector_front"
_TABLE_FILE = "front_scopes.json"


@dataclass(slots=True)
class _Node:
    """One path segment of a method's trie: literal children, one parameter child, a template."""

    literals: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class _Index:
    """The loaded table and its per-method tries, built once per process."""

    table: Mapping[str, tuple[str, ...]]
    tries: Mapping[str, _Node]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _segments(path: str) -> list[str]:
    """Split "/a/b/" into ["a", "b", ""]: a trailing slash is a distinct (empty) segment."""
    return path[1:].split("/")


def _load_table() -> dict[str, tuple[str, ...]]:
    resource = resources.files(_PACKAGE).joinpath("data").joinpath(_TABLE_FILE)
    raw: object = json.loads(resource.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise RuntimeError(f"{_TABLE_FILE}: expected a JSON object")
    table: dict[str, tuple[str, ...]] = {}
    for key, scopes in raw.items():
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise RuntimeError(f"{_TABLE_FILE}: {key!r} must map to a list of scope strings")
        table[key] = tuple(scopes)
    return table


def _build_tries(table: Mapping[str, tuple[str, ...]]) -> dict[str, _Node]:
    tries: dict[str, _Node] = {}
    for endpoint in table:
        method, _, template = endpoint.partition(" ")
        node = tries.setdefault(method, _Node())
        for segment in _segments(template):
            if _is_param(segment):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literals.setdefault(segment, _Node())
        node.endpoint = endpoint
    return tries


@cache
def _index() -> _Index:
    table = _load_table()
    return _Index(table=MappingProxyType(table), tries=_build_tries(table))


def _walk(node: _Node, segments: list[str], at: int) -> str | None:
    """Depth-first match: a literal segment wins; a parameter is tried only if it fails."""
    if at == len(segments):
        return node.endpoint
    segment = segments[at]
    child = node.literals.get(segment)
    if child is not None:
        found = _walk(child, segments, at + 1)
        if found is not None:
            return found
    if node.param is not None and segment:
        return _walk(node.param, segments, at + 1)
    return None


def scope_table() -> Mapping[str, tuple[str, ...]]:
    """Every Front operation ("GET /contacts/{contact_id}") mapped to its required scopes."""
    return _index().table


def match_template(method: str, path: str) -> str | None:
    """Return the spec operation ("GET /contacts/{contact_id}") serving a concrete request.

    `path` may carry a query string or be a full URL; matching is exact about trailing slashes,
    as Front's spec (and Prism) are. Unknown method or path gives None.
    """
    if "://" in path:
        path = urlsplit(path).path
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    trie = _index().tries.get(method.upper())
    if trie is None:
        return None
    return _walk(trie, _segments(path), 0)


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """Scopes Front requires for a concrete request, e.g. ("contacts:read",); unknown gives ()."""
    endpoint = match_template(method, path)
    return () if endpoint is None else _index().table[endpoint]


def scopes_for(endpoints: Iterable[str]) -> tuple[str, ...]:
    """Sorted union of the scopes of spec operations like "GET /contacts/{contact_id}".

    Raises KeyError naming the endpoint when one is not an operation in Front's spec.
    """
    if isinstance(endpoints, str):
        raise TypeError("scopes_for() takes an iterable of endpoints, not a single string")
    table = _index().table
    union: set[str] = set()
    for endpoint in endpoints:
        method, _, template = endpoint.strip().partition(" ")
        key = f"{method.upper()} {template.strip()}"
        scopes = table.get(key)
        if scopes is None:
            raise KeyError(
                f"{endpoint!r} is not an operation in Front's spec "
                "(expected 'METHOD /template', e.g. 'GET /contacts/{contact_id}')"
            )
        union.update(scopes)
    return tuple(sorted(union))
