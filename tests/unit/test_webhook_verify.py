"""Webhook verification as pure logic: every refusal says why; signatures computed apart."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from connector_front.webhooks.verify import (
    ApplicationEnvelope,
    WebhookRejected,
    verify_application,
    verify_rule,
)

NOW = 1_700_000_000.0
BODY = json.dumps(
    {"type": "tag_added", "authorization": {"id": "cmp_1"}, "payload": {"id": "evt_1"}}
).encode()


def headers(secret: str = "s1", at: float = NOW, body: bytes = BODY) -> dict[str, str]:
    ts = str(int(at * 1000))
    mac = hmac.new(secret.encode(), ts.encode() + b":" + body, hashlib.sha256).digest()
    return {"X-Front-Signature": base64.b64encode(mac).decode(), "X-Front-Request-Timestamp": ts}


def check(body: bytes = BODY, given: dict[str, str] | None = None, secrets=("s1",)) -> object:
    return verify_application(
        body,
        headers() if given is None else given,
        list(secrets),
        now=NOW,
        tolerance=300,
        max_bytes=10_000,
    )


def test_valid_delivery_names_its_company_and_event() -> None:
    verified = check()
    assert verified.company_id == "cmp_1" and verified.event_id == "evt_1"  # type: ignore[attr-defined]


def test_any_of_the_rotation_secrets() -> None:
    assert check(given=headers("s2"), secrets=("s1", "s2"))


@pytest.mark.parametrize(
    ("given", "secrets", "code"),
    [
        (headers("other"), ("s1",), "invalid_signature"),
        ({"X-Front-Request-Timestamp": "1"}, ("s1",), "missing_signature"),
        ({"X-Front-Signature": "x"}, ("s1",), "missing_timestamp"),
        ({**headers(), "X-Front-Request-Timestamp": "soon"}, ("s1",), "invalid_timestamp"),
        (headers(at=NOW - 301), ("s1",), "stale_timestamp"),
        (headers(at=NOW + 301), ("s1",), "stale_timestamp"),
        (headers(), (), "webhook_not_configured"),
    ],
)
def test_refusals(given: dict[str, str], secrets: tuple[str, ...], code: str) -> None:
    with pytest.raises(WebhookRejected) as caught:
        check(given=given, secrets=secrets)
    assert caught.value.code == code and 400 <= caught.value.status < 500
    assert "s1" not in caught.value.message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid_json"),
        (b"[" * 100_000 + b"]" * 100_000, "payload_too_large"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
        (b"[1, 2]", "unknown_shape"),
        (b'{"type": "tag_added", "payload": {}}', "unknown_shape"),
    ],
)
def test_bodies_refused(body: bytes, code: str) -> None:
    with pytest.raises(WebhookRejected) as caught:
        verify_application(
            body, headers(body=body), ["s1"], now=NOW, tolerance=300, max_bytes=50_000
        )
    assert caught.value.code == code


def test_an_envelope_parses_into_its_type_company_and_event() -> None:
    envelope = ApplicationEnvelope.from_body(BODY)
    assert envelope == ApplicationEnvelope("tag_added", "cmp_1", {"id": "evt_1"})


@pytest.mark.parametrize(
    ("envelope", "named"),
    [
        ({"authorization": {"id": "cmp_1"}, "payload": {}}, "'type'"),
        ({"type": "", "authorization": {"id": "cmp_1"}, "payload": {}}, "'type'"),
        ({"type": "tag_added", "authorization": "cmp_1", "payload": {}}, "'authorization.id'"),
        ({"type": "tag_added", "authorization": {"id": 7}, "payload": {}}, "'authorization.id'"),
        ({"type": "tag_added", "authorization": {"id": "cmp_1"}, "payload": []}, "'payload'"),
    ],
)
def test_an_envelope_names_the_first_part_missing_or_of_the_wrong_type(
    envelope: dict[str, object], named: str
) -> None:
    with pytest.raises(WebhookRejected) as caught:
        ApplicationEnvelope.from_body(json.dumps(envelope).encode())
    assert (caught.value.status, caught.value.code) == (422, "unknown_shape")
    assert named in caught.value.message


def test_an_envelope_refuses_an_id_not_of_its_objects_form() -> None:
    body = {"type": "tag_added", "authorization": {"id": "cmp_1"}, "payload": {}}
    body["payload"] = {"id": "evt_1", "conversation": {"id": "../me"}}
    with pytest.raises(WebhookRejected) as caught:
        ApplicationEnvelope.from_body(json.dumps(body).encode())
    assert caught.value.code == "invalid_id" and "payload.conversation.id" in caught.value.message


def test_challenge_needs_the_signature_first() -> None:
    given = {**headers(), "x-front-challenge": "ch"}
    assert check(given=given).challenge == "ch"  # type: ignore[attr-defined]
    with pytest.raises(WebhookRejected):
        check(given={**headers("bad"), "x-front-challenge": "ch"})


def test_rule_signature_is_sha1_of_the_body() -> None:
    body = json.dumps({"id": "evt_1", "type": "tag", "conversation": {"id": "cnv_1"}}).encode()
    good = base64.b64encode(hmac.new(b"rs", body, hashlib.sha1).digest()).decode()
    assert verify_rule(body, {"x-front-signature": good}, "rs", name="r", max_bytes=10_000)
    with pytest.raises(WebhookRejected) as caught:
        verify_rule(body, {"x-front-signature": good}, "other", name="r", max_bytes=10_000)
    assert caught.value.code == "invalid_signature"
