"""Opaque unified cursors: the model and Front's next-page link, base64url-encoded."""

from __future__ import annotations

import base64
import binascii
import json

from connector_front.errors import InvalidInputError


def encode_cursor(model: str, next_url: str | None) -> str | None:
    if next_url is None:
        return None
    raw = json.dumps({"m": model, "u": next_url}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(model: str, cursor: str | None) -> str | None:
    """The next-page link inside a cursor; a foreign or damaged cursor is a 400."""
    if cursor is None or cursor == "":
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        owner, url = data["m"], data["u"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidInputError(
            "cursor is not one this connector issued; pass the 'next' value of the previous "
            "page unchanged, or omit it to start from the first page",
            fields=["cursor"],
        ) from None
    if owner != model or not isinstance(url, str):
        raise InvalidInputError(
            f"cursor belongs to a {owner} listing, not {model}; start this listing without one",
            fields=["cursor"],
        )
    return url
