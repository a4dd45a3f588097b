"""Typed reads from a JSON request body, answering 400 with the field's name when wrong."""

from __future__ import annotations

from typing import Any

from .errors import FrontError

_MISSING = object()


def as_object(body: Any, required: bool = True) -> dict[str, Any]:
    if body is None and not required:
        return {}
    if not isinstance(body, dict):
        raise FrontError(400, "The request body must be a JSON object")
    return body


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...], label: str) -> Any:
    value = data.get(key, _MISSING)
    if value is _MISSING:
        return _MISSING
    if value is None or (isinstance(value, bool) and kind is not bool):
        raise FrontError(400, f"{key} must be {label}")
    if not isinstance(value, kind):
        raise FrontError(400, f"{key} must be {label}")
    return value


def req_str(data: dict[str, Any], key: str) -> str:
    value = _typed(data, key, str, "a string")
    if value is _MISSING or not value.strip():
        raise FrontError(400, f"{key} is required")
    return str(value)


def opt_str(data: dict[str, Any], key: str) -> str | None:
    value = _typed(data, key, str, "a string")
    return None if value is _MISSING else str(value)


def opt_nullable_str(data: dict[str, Any], key: str) -> tuple[bool, str | None]:
    """(present, value): the value may be null, which callers read as "clear"."""
    if key not in data:
        return False, None
    if data[key] is None:
        return True, None
    return True, req_str(data, key)


def opt_bool(data: dict[str, Any], key: str) -> bool | None:
    value = _typed(data, key, bool, "a boolean")
    return None if value is _MISSING else bool(value)


def opt_number(data: dict[str, Any], key: str) -> float | None:
    value = _typed(data, key, (int, float), "a number")
    return None if value is _MISSING else float(value)


def opt_str_list(data: dict[str, Any], key: str) -> list[str] | None:
    value = _typed(data, key, list, "an array of strings")
    if value is _MISSING:
        return None
    if not all(isinstance(item, str) for item in value):
        raise FrontError(400, f"{key} must be an array of strings")
    return list(value)


def req_str_list(data: dict[str, Any], key: str) -> list[str]:
    value = opt_str_list(data, key)
    if value is None:
        raise FrontError(400, f"{key} is required")
    return value


def opt_object(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = _typed(data, key, dict, "an object")
    return None if value is _MISSING else dict(value)
