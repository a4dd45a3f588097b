"""Reading what a host request carries: owner, JSON body, paging and filter parameters."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from connector_front.errors import ConnectorError, InvalidInputError
from connector_front.util.parsing import load_json, parse_whole

OWNER_HEADER = "x-owner-id"
RESERVED_QUERY = frozenset({"limit", "cursor", "raw", "permanent", "omit"})
"""Query parameters with a meaning of their own; every other one is a list filter."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays / objects a request body may have (unified records need ~4)."""


_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate alone: JSON's ``\\ud800`` escape can write one; no text encodes it."""
SHOWN_KEY = 40
"""Characters of a key repeated in a message's path."""


def json_problem(value: Any) -> InvalidInputError | None:
    """What is wrong with a parsed body: arrays / objects nested deeper than
    :data:`MAX_JSON_DEPTH`, or text (a key or a value) holding a lone surrogate. Walked
    without recursion."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "body")]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, str) and _SURROGATE.search(item):
            return _surrogate(where)
        if not isinstance(item, dict | list):
            continue
        if depth + 1 > MAX_JSON_DEPTH:
            return InvalidInputError(
                f"request body nests arrays / objects too deep; at most {MAX_JSON_DEPTH} "
                "levels are accepted",
                fields=["body"],
            )
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if isinstance(key, str) and _SURROGATE.search(key):
                return _surrogate(where)
            shown = f".{key[:SHOWN_KEY]}" if isinstance(key, str) else f"[{key}]"
            stack.append((child, depth + 1, where + shown))
    return None


def _surrogate(where: str) -> InvalidInputError:
    return InvalidInputError(
        f"{where} holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its "
        "pair), which is not text; send valid Unicode",
        fields=[where],
    )


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
    try:
        body = load_json(raw or b"null")
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"request body is not valid JSON: {exc}", fields=["body"]) from None
    except UnicodeDecodeError:
        raise InvalidInputError(
            "request body is not valid JSON: it is not UTF-8 text", fields=["body"]
        ) from None
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer over 4,300 digits
        raise InvalidInputError(
            f"request body holds a number JSON cannot carry here ({_number_problem(exc)}); "
            "send finite numbers of at most 4,300 digits",
            fields=["body"],
        ) from None
    except RecursionError:
        raise InvalidInputError(
            f"request body nests arrays / objects too deep; at most {MAX_JSON_DEPTH} levels "
            "are accepted",
            fields=["body"],
        ) from None
    problem = json_problem(body)
    if problem is not None:
        raise problem
    return body


def _number_problem(exc: ValueError) -> str:
    text = str(exc)
    return "an integer over 4,300 digits" if "digits" in text else text


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


FLAGS = {"true": True, "false": False}
"""The values of a yes / no query parameter (``raw``, ``permanent``), as the document lists
them: other spellings (``1``, ``TRUE``) are a 400, not read one way or the other."""


def flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false")
    if value not in FLAGS:
        raise InvalidInputError(
            f"{name} must be true or false, got {value[:40]!r}", fields=[name]
        )
    return FLAGS[value]


def names(request: Request, name: str) -> list[str]:
    """A comma-separated list of names (``omit=project,members``); empty when not given."""
    return [part.strip() for part in request.query_params.get(name, "").split(",") if part.strip()]


def limit(request: Request) -> int | None:
    value = request.query_params.get("limit")
    if value is None:
        return None
    number = parse_whole(value, max_digits=9)
    if number is None:
        raise InvalidInputError(
            f"limit must be a whole number, got {value[:40]!r}", fields=["limit"]
        )
    return number


def filters(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in RESERVED_QUERY}
