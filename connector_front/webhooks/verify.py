"""Checking one Front webhook delivery: size, signature, timestamp, JSON, envelope shape.

Pure functions over the raw bytes and headers, shared by the host's intake and
``connector-front webhooks verify``. Every refusal says exactly why, never with a secret or the
body in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from connector_front.errors import ConnectorError
from connector_front.mappers.base import FRONT_ID_PREFIXES, is_front_id
from connector_front.mappers.events import named_ids
from connector_front.util.parsing import load_json, parse_whole
from connector_front.webhooks.signatures import (
    application_signature,
    matches_any,
    rule_signature,
)

SIGNATURE = "x-front-signature"
TIMESTAMP = "x-front-request-timestamp"
CHALLENGE = "x-front-challenge"


class WebhookRejected(ConnectorError):
    """A delivery refused before anything was stored (a 4xx for Front)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Verified:
    """A delivery whose signature holds: a validation challenge, or an event to store."""

    kind: Literal["application", "rule"]
    challenge: str | None = None
    webhook_type: str | None = None
    company_id: str | None = None
    event: Mapping[str, Any] | None = None

    @property
    def event_id(self) -> str | None:
        value = (self.event or {}).get("id")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ApplicationEnvelope:
    """The body of an application webhook: its event type, the Front company it concerns
    (``authorization.id``, which routes it) and the event itself (``payload``)."""

    webhook_type: str
    company_id: str
    payload: dict[str, Any]

    @classmethod
    def from_body(cls, body: bytes) -> ApplicationEnvelope:
        """The envelope, or a 4xx naming the first part missing or of the wrong type."""
        envelope = _json_object(body)
        webhook_type = envelope.get("type")
        if not isinstance(webhook_type, str) or not webhook_type:
            raise _not_an_envelope("type")
        authorization = envelope.get("authorization")
        company = authorization.get("id") if isinstance(authorization, Mapping) else None
        if not isinstance(company, str) or not company:
            raise _not_an_envelope("authorization.id")
        payload = envelope.get("payload")
        if not isinstance(payload, Mapping):
            raise _not_an_envelope("payload")
        _check_ids(payload, "payload.")
        return cls(webhook_type, company, dict(payload))


@dataclass(frozen=True)
class _Timestamp:
    """The ``x-front-request-timestamp`` header: as sent (it is signed) and in seconds."""

    text: str
    seconds: float


def verify_application(
    body: bytes,
    headers: Mapping[str, str],
    secrets: Sequence[str],
    *,
    now: float,
    tolerance: float,
    max_bytes: int,
) -> Verified:
    """An application webhook: HMAC-SHA256 over ``"<timestamp>:" + body``, fresh timestamp."""
    _check_size(body, max_bytes)
    given = _lower(headers)
    _check_configured(secrets)
    signature = _signature(given)
    timestamp = _timestamp(given)
    _check_fresh(timestamp, now, tolerance)
    _check_application_signature(signature, timestamp, body, secrets)
    challenge = given.get(CHALLENGE)
    if challenge:
        return Verified(kind="application", challenge=challenge)
    envelope = ApplicationEnvelope.from_body(body)
    return Verified(
        kind="application",
        webhook_type=envelope.webhook_type,
        company_id=envelope.company_id,
        event=envelope.payload,
    )


def _check_configured(secrets: Sequence[str]) -> None:
    if not secrets:
        raise WebhookRejected(
            401,
            "webhook_not_configured",
            "this host has no Front app webhook secret, so it cannot check the signature: set "
            "FRONT_WEBHOOK_SECRET (or webhook_secrets in the config file) to the app's secret",
        )


def _timestamp(headers: Mapping[str, str]) -> _Timestamp:
    text = headers.get(TIMESTAMP, "").strip()
    if not text:
        raise WebhookRejected(
            400, "missing_timestamp", f"the {TIMESTAMP} header (milliseconds) is missing"
        )
    milliseconds = parse_whole(text, max_digits=16)
    if milliseconds is None:
        raise WebhookRejected(
            400,
            "invalid_timestamp",
            f"{TIMESTAMP} must be a Unix time in milliseconds, in ASCII digits",
        )
    return _Timestamp(text, milliseconds / 1000.0)


def _check_fresh(timestamp: _Timestamp, now: float, tolerance: float) -> None:
    skew = now - timestamp.seconds
    if abs(skew) > tolerance:
        when = "old" if skew > 0 else "in the future"
        raise WebhookRejected(
            401,
            "stale_timestamp",
            f"the delivery's {TIMESTAMP} is {abs(skew):.0f} s {when}; deliveries must be within "
            f"{tolerance:g} s of this host's clock (a replay, or a clock out of sync)",
        )


def _check_application_signature(
    signature: str, timestamp: _Timestamp, body: bytes, secrets: Sequence[str]
) -> None:
    expected = [application_signature(secret, timestamp.text, body) for secret in secrets]
    if not matches_any(signature, expected):
        raise WebhookRejected(
            401,
            "invalid_signature",
            f"{SIGNATURE} does not match the body signed with the app's webhook secret "
            f'(base64 HMAC-SHA256 of "<timestamp>:<raw body>"); check FRONT_WEBHOOK_SECRET',
        )


def _not_an_envelope(name: str) -> WebhookRejected:
    return WebhookRejected(
        422,
        "unknown_shape",
        f"not a Front application webhook: '{name}' is missing or of the wrong type "
        "(expected {type, authorization: {id}, payload: {...}})",
    )


def verify_rule(
    body: bytes, headers: Mapping[str, str], secret: str | None, *, name: str, max_bytes: int
) -> Verified:
    """A rule webhook: base64 HMAC-SHA1 of the body with the rule's API secret."""
    _check_size(body, max_bytes)
    if not secret:
        raise WebhookRejected(
            404,
            "unknown_rule",
            f"no rule webhook named {name!r} is configured here: set its secret in "
            "FRONT_RULE_SECRET_<NAME> (or rule_secrets in the config file)",
        )
    signature = _signature(_lower(headers))
    if not matches_any(signature, [rule_signature(secret, body)]):
        raise WebhookRejected(
            401,
            "invalid_signature",
            f"{SIGNATURE} does not match the body signed with rule {name!r}'s API secret "
            "(base64 HMAC-SHA1 of the raw body)",
        )
    event = _json_object(body)
    if not isinstance(event.get("type"), str) or not isinstance(event.get("conversation"), Mapping):
        raise WebhookRejected(
            422,
            "unknown_shape",
            "not a Front rule webhook event: 'type' and 'conversation' are required",
        )
    _check_ids(event, "")
    return Verified(kind="rule", event=event)


def _check_ids(event: Mapping[str, Any], prefix: str) -> None:
    """Every id the event names is of its Front object's form (as a resource route's id must
    be): such an id becomes a unified event's record id and a Front request's path."""
    for where, value, kind in named_ids(event):
        expected = FRONT_ID_PREFIXES[kind]
        if not isinstance(value, str) or not is_front_id(value, (expected,)):
            raise WebhookRejected(
                422,
                "invalid_id",
                f"{prefix}{where} is not a Front {kind} id (expected {expected} and letters or "
                "digits); Front never sends one like it",
            )


def _check_size(body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise WebhookRejected(
            413,
            "payload_too_large",
            f"the delivery is {len(body)} bytes; this host accepts at most {max_bytes} "
            "(webhook_max_body_bytes)",
        )


def _signature(headers: Mapping[str, str]) -> str:
    signature = headers.get(SIGNATURE, "").strip()
    if not signature:
        raise WebhookRejected(401, "missing_signature", f"the {SIGNATURE} header is missing")
    return signature


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = load_json(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WebhookRejected(400, "invalid_json", "the delivery's body is not JSON") from None
    if not isinstance(value, dict):
        raise WebhookRejected(
            422, "unknown_shape", "the delivery's body must be a JSON object"
        )
    return value


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
