"""Front's two webhook signatures, computed from the raw bytes (never a re-serialised body).

Application webhooks: base64 HMAC-SHA256 with the app secret over ``b"<timestamp>:" + body``.
Rule webhooks: base64 HMAC-SHA1 with the rule's API secret over the body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def application_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b":" + body, hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def rule_signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha1)
    return base64.b64encode(digest.digest()).decode()


def matches_any(given: str, expected: Iterable[str]) -> bool:
    """Constant-time comparison against every accepted signature (secret rotation)."""
    found = False
    for candidate in expected:
        found |= hmac.compare_digest(given.encode(), candidate.encode())
    return found
