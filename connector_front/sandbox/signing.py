"""Front's webhook signatures, computed the way Front documents them.

Application webhooks: base64(HMAC-SHA256(secret, b"<timestamp ms>:" + raw body)).
Rule webhooks: base64(HMAC-SHA1(secret, raw body)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def application_signature(secret: str, timestamp_ms: str, body: bytes) -> str:
    """The `x-front-signature` of an application webhook sent at `timestamp_ms`."""
    message = f"{timestamp_ms}:".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def rule_signature(secret: str, body: bytes) -> str:
    """The `x-front-signature` of a rule webhook."""
    digest = hmac.new(secret.encode(), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
