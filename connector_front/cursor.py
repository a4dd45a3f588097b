"""Signed unified cursors: the model and the mapper's next-page value, HMAC-signed.

A cursor is ``<payload>.<signature>`` (both base64url). Only a cursor this host signed is
decoded, so a damaged or forged one is a 400 ``invalid_cursor`` and never reaches Front.
Next-page links on the API base are kept relative, so a cursor outlives the base's host/port.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from connector_front.errors import ConfigurationError, InvalidCursorError
from connector_front.settings import ConnectorSettings
from connector_front.store import parse_database
from connector_front.util.files import owner_only_file

SIGNATURE_BYTES = 16
KEY_FILE_SUFFIX = ".cursor-key"
"""The fallback signing key lives beside an SQLite database file, in ``<file>.cursor-key``."""

_FOREIGN = (
    "cursor is not one this host issued (or it was changed); pass the 'next' value of the "
    "previous page unchanged, or omit it to start from the first page"
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())


class CursorCodec:
    """Signs cursors with the first key and accepts any of ``keys`` (for key rotation)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("a cursor codec needs at least one key")
        self._keys = tuple(keys)

    def _sign(self, key: bytes, payload: bytes) -> bytes:
        return hmac.new(key, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]

    def encode(self, model: str, value: str | None) -> str | None:
        if value is None:
            return None
        payload = json.dumps({"m": model, "u": value}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(self._keys[0], payload))}"

    def decode(self, model: str, cursor: str | None) -> str | None:
        """The next-page value inside a cursor this host signed for ``model``; else a 400."""
        if cursor is None or cursor == "":
            return None
        body, dot, signature = cursor.partition(".")
        try:
            payload, given = _unb64(body), _unb64(signature)
        except (binascii.Error, ValueError):
            raise InvalidCursorError(_FOREIGN) from None
        signed = any(hmac.compare_digest(given, self._sign(k, payload)) for k in self._keys)
        if not dot or not signed:
            raise InvalidCursorError(_FOREIGN)
        try:
            data = json.loads(payload)
            owner, value = data["m"], data["u"]
        except (ValueError, KeyError, TypeError):
            raise InvalidCursorError(_FOREIGN) from None
        if owner != model or not isinstance(value, str):
            raise InvalidCursorError(
                f"cursor belongs to a {owner} listing, not {model}; start this listing without one"
            )
        return value

    def __repr__(self) -> str:
        return f"CursorCodec(keys={len(self._keys)})"


def cursor_keys(settings: ConnectorSettings) -> tuple[bytes, ...]:
    """Signing keys: ``cursor_key``, else the host keys, else a key file beside an SQLite file.

    Workers sharing a PostgreSQL database may run on several machines, so there the key must be
    configured: a key file on one machine would make the others refuse its cursors.
    """
    if settings.cursor_key is not None:
        return (settings.cursor_key.get_secret_value().encode(),)
    if settings.host_keys:
        return tuple(key.encode() for key in settings.host_keys)
    dialect, where = parse_database(settings.database)
    if dialect != "sqlite":
        raise ConfigurationError(
            "cursor_key is needed with a PostgreSQL database: every worker must sign cursors "
            "and connect sessions with the same key. Set CONNECTOR_FRONT_CURSOR_KEY (or "
            "CONNECTOR_FRONT_HOST_KEY) to the same random value on every worker"
        )
    return (_key_file(Path(where + KEY_FILE_SUFFIX)),)


def _key_file(path: Path) -> bytes:
    """Read the key file, creating it owner-only with a random key on first use; a file other
    users may read or write is refused (see :func:`_check_private`)."""
    owner_only_file(path)
    with path.open("r+b") as file:
        _check_private(path, os.fstat(file.fileno()).st_mode)
        key = file.read().strip()
        if not key:
            key = secrets.token_urlsafe(32).encode()
            file.write(key)
    return key


def _check_private(path: Path, mode: int) -> None:
    """Refuse a key file that other users may read or write (as ssh refuses such a private key).

    A key others could read must be taken as known: anyone holding it forges connect sessions.
    Replacing it quietly would hide that, and workers starting together would each write
    their own; the operator decides instead, told how.
    """
    if os.name != "posix" or not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return
    raise ConfigurationError(
        f"the cursor key file {path} may be read or written by other users (mode "
        f"{stat.S_IMODE(mode):04o}), so its key must be taken as known: anyone holding it can "
        "forge connect page sessions. It was not used. Delete the file and start again (a new "
        "owner-only key is written; listing cursors and connect links made with the old key "
        "stop working), or set CONNECTOR_FRONT_CURSOR_KEY to a random value of your own"
    )
