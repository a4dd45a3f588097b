"""Connect page sessions: short-lived tokens, HMAC-signed by the host, bound to an owner and
the operations the host allows that owner to grant.

A token is ``<payload>.<signature>`` (base64url). The payload holds the owner, the
operations, the expiry and a random nonce; the signature covers a domain tag and the
payload, so neither a cursor nor any other signed value of this host passes as a session.
Tokens are never stored: checking one needs only the key and the clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from connector_front.errors import InvalidSessionError

DOMAIN = b"connector-front connect session\x00"
FORM_DOMAIN = b"connector-front connect form\x00"
SIGNATURE_BYTES = 32

MISSING = (
    "This page needs a connect session: open the link your app gave you (it ends with "
    "?session=...), or ask the app for a new one."
)
INVALID = (
    "This connect link is not valid (it was changed or cut short). Open the link your app "
    "gave you again, or ask the app for a new one."
)
EXPIRED = "This connect link has expired. Go back to your app and start connecting again."


@dataclass(frozen=True)
class ConnectSession:
    """What a valid token grants: connecting ``owner_id`` with some of ``operations``."""

    owner_id: str
    operations: tuple[str, ...]
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())


class SessionCodec:
    """Issues and checks connect session tokens; signs with the first key, accepts any."""

    def __init__(
        self,
        keys: Sequence[bytes],
        *,
        ttl: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not keys:
            raise ValueError("a session codec needs at least one key")
        self._keys = tuple(keys)
        self.ttl = ttl
        self._clock = clock

    def _sign(self, key: bytes, payload: bytes) -> bytes:
        return hmac.new(key, DOMAIN + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]

    def issue(self, owner_id: str, operations: Sequence[str]) -> tuple[str, ConnectSession]:
        """A new token and what it grants, valid for ``ttl`` seconds from now."""
        session = ConnectSession(owner_id, tuple(operations), round(self._clock() + self.ttl, 3))
        data = {
            "o": owner_id,
            "p": list(session.operations),
            "e": session.expires_at,
            "n": secrets.token_urlsafe(8),
        }
        payload = json.dumps(data, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(self._keys[0], payload))}", session

    def verify(self, token: str | None) -> ConnectSession:
        """The session a token grants; :class:`InvalidSessionError` when missing, changed or
        expired (the message never repeats the token)."""
        if not token:
            raise InvalidSessionError(MISSING, reason="missing")
        body, dot, signature = token.partition(".")
        try:
            payload, given = _unb64(body), _unb64(signature)
        except (binascii.Error, ValueError):
            raise InvalidSessionError(INVALID, reason="invalid") from None
        signed = any(hmac.compare_digest(given, self._sign(k, payload)) for k in self._keys)
        if not dot or not signed:
            raise InvalidSessionError(INVALID, reason="invalid")
        try:
            data = json.loads(payload)
            session = ConnectSession(str(data["o"]), tuple(data["p"]), float(data["e"]))
        except (ValueError, KeyError, TypeError):
            raise InvalidSessionError(INVALID, reason="invalid") from None
        if session.expires_at <= self._clock():
            raise InvalidSessionError(EXPIRED, reason="expired")
        return session

    def _form_mac(self, key: bytes, token: str, browser: str) -> bytes:
        message = FORM_DOMAIN + token.encode() + b"\x00" + browser.encode()
        return hmac.new(key, message, hashlib.sha256).digest()

    def form_token(self, token: str, browser: str) -> str:
        """The page's form token (against cross-site request forgery): tied to the session
        ``token`` and to ``browser``, a random value only the customer's browser holds (a
        cookie), so a form posted from another site, which cannot read that cookie, fails."""
        return _b64(self._form_mac(self._keys[0], token, browser))

    def form_token_valid(self, token: str, browser: str, given: str | None) -> bool:
        """Whether ``given`` is the form token of ``token`` and ``browser`` (any key)."""
        if not given:
            return False
        try:
            mac = _unb64(given)
        except (binascii.Error, ValueError):
            return False
        return any(hmac.compare_digest(mac, self._form_mac(k, token, browser)) for k in self._keys)

    def __repr__(self) -> str:
        return f"SessionCodec(keys={len(self._keys)}, ttl={self.ttl:g})"
