"""Reading what a host request carries: owner, JSON body, paging and filter parameters."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from connector_front.errors import ConnectorError, InvalidInputError

OWNER_HEADER = "x-owner-id"
RESERVED_QUERY = frozenset({"limit", "cursor", "raw", "permanent", "omit"})
"""Query parameters with a meaning of their own; every other one is a list filter."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays / objects a request body may have (unified records need ~4)."""


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth) for child in children)
    return deepest


def owner_id(request: Request) -> str:
    owner = request.headers.get(OWNER_HEADER) or request.app.state.default_owner
    if not owner:
        raise InvalidInputError(
            f"which connection? send the {OWNER_HEADER} header with the owner id",
            fields=[f"headers.{OWNER_HEADER}"],
        )
    return str(owner)


def optional_owner_id(request: Request) -> str | None:
    """The owner named by the header, else the host's default owner, else None (every owner)."""
    owner = request.headers.get(OWNER_HEADER) or request.app.state.default_owner
    return str(owner) if owner else None


def parse_json(raw: bytes) -> Any:
    """A JSON body within the depth limit; anything else is a 400 naming what is wrong."""
    too_deep = InvalidInputError(
        f"request body nests arrays / objects too deep; at most {MAX_JSON_DEPTH} levels "
        "are accepted",
        fields=["body"],
    )
    try:
        body = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"request body is not valid JSON: {exc}", fields=["body"]) from None
    except RecursionError:
        raise too_deep from None
    if json_depth(body) > MAX_JSON_DEPTH:
        raise too_deep
    return body


class UnsupportedMediaTypeError(ConnectorError):
    code = "unsupported_media_type"
    status = 415


def is_json_type(content_type: str | None) -> bool:
    """``application/json`` or a ``+json`` type, with or without parameters (``charset``)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def is_json(request: Request) -> bool:
    return is_json_type(request.headers.get("content-type"))


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body, a JSON object sent as JSON: a 415 before the body is read otherwise.

    A browser sends a page's form, or a ``text/plain`` body, to any site without asking; a
    JSON content type only after a CORS preflight, which this host never allows. (Front's
    webhooks are read as raw bytes and checked by their signature instead.)
    """
    given = request.headers.get("content-type")
    if not is_json_type(given):
        what = "no content-type" if given is None else f"content-type {given[:80]!r}"
        raise UnsupportedMediaTypeError(
            f"{request.method} {request.url.path} takes a JSON body, sent with "
            f"'content-type: application/json'; this request has {what}"
        )
    body = parse_json(await request.body())
    if not isinstance(body, dict):
        raise InvalidInputError("request body must be a JSON object", fields=["body"])
    return body


def fields_of(body: dict[str, Any]) -> object:
    if "fields" not in body:
        raise InvalidInputError(
            'request body must be {"fields": {...}} with the unified field values',
            fields=["fields"],
        )
    return body["fields"]


def flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in {"true", "false", "1", "0"}:
        raise InvalidInputError(f"{name} must be true or false, got {value!r}", fields=[name])
    return value in {"true", "1"}


def names(request: Request, name: str) -> list[str]:
    """A comma-separated list of names (``omit=project,members``); empty when not given."""
    return [part.strip() for part in request.query_params.get(name, "").split(",") if part.strip()]


def limit(request: Request) -> int | None:
    value = request.query_params.get("limit")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInputError(
            f"limit must be a whole number, got {value!r}", fields=["limit"]
        ) from None


def filters(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in RESERVED_QUERY}
