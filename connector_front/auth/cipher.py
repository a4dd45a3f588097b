"""Token values encrypted at rest with Fernet keys from configuration, rotatable.

The first key encrypts; every key decrypts, so a new key can go first while rows written under
the old one still read. Encrypted values carry a marker, so rows written before a key was set
still read as they are (and are encrypted at their next write).
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connector_front.errors import ConfigurationError

SETTING = "encryption_key (CONNECTOR_FRONT_ENCRYPTION_KEY)"
MARKER = "fernet:"
"""Prefix of an encrypted stored value; anything else is a value stored in plaintext."""


def split_keys(setting: str | None) -> tuple[str, ...]:
    """The comma-separated keys of the setting, first one current."""
    if not setting:
        return ()
    return tuple(part.strip() for part in setting.split(",") if part.strip())


def invalid_key_positions(keys: Sequence[str]) -> list[int]:
    """1-based positions of keys that are not Fernet keys (never the keys themselves)."""
    bad = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(position)
    return bad


def new_key() -> str:
    """A fresh random Fernet key (32 bytes, URL-safe base64)."""
    return Fernet.generate_key().decode("ascii")


class TokenCipher:
    """Seals and opens stored token values; without keys it stores them as they are."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        bad = invalid_key_positions(keys)
        if bad:
            raise ConfigurationError(
                f"{SETTING}: key number {', '.join(map(str, bad))} is not a Fernet key (32 "
                "bytes, URL-safe base64); make one with `connector-front keys new`"
            )
        self._fernet = MultiFernet([Fernet(key) for key in keys]) if keys else None
        self._count = len(keys)

    @classmethod
    def from_setting(cls, setting: str | None) -> TokenCipher:
        return cls(split_keys(setting))

    @property
    def encrypts(self) -> bool:
        """Whether values are encrypted (a key is configured)."""
        return self._fernet is not None

    def seal(self, value: str | None) -> str | None:
        """The value as stored: encrypted with the first key, or as is without a key."""
        if value is None or self._fernet is None:
            return value
        return MARKER + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, stored: str | None, *, owner_id: str) -> str | None:
        """The value a stored one holds; a ConfigurationError when no configured key opens it."""
        if stored is None or not stored.startswith(MARKER):
            return stored
        if self._fernet is None:
            raise ConfigurationError(
                f"the stored tokens of owner {owner_id!r} are encrypted, but {SETTING} is not "
                "set; set it to the key(s) they were written with"
            )
        try:
            return self._fernet.decrypt(stored[len(MARKER) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise ConfigurationError(
                f"the stored tokens of owner {owner_id!r} were encrypted with a key that is not "
                f"in {SETTING}; add that key after the current one (every listed key decrypts)"
            ) from None

    @staticmethod
    def is_sealed(stored: str | None) -> bool:
        return stored is not None and stored.startswith(MARKER)

    def __repr__(self) -> str:
        return f"TokenCipher(keys={self._count})"
