"""Arbitrary deliveries to a real host's webhook intake: a typed 4xx or a 2xx, never a 5xx,
and nothing the intake stored makes its processing fail with an unhandled exception."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.integration.webhook_support import (
    APP_SECRET,
    RULE_SECRET,
    EventsHost,
    app_signature,
    events_host,
    rule_signature,
)

from .conftest import RELIABLE

__all__ = ["events_host"]  # the fixture

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
KINDS = ["comment", "inbound", "outbound", "assign", "archive", "tag", "move", "trash", "x"]


@st.composite
def envelopes(draw: st.DrawFn) -> Any:
    """Front's application webhook envelope, its parts arbitrary at times."""
    conversation = draw(st.sampled_from(["cnv_s001", "cnv_s002", "cnv_missing"]) | json_values)
    payload: dict[str, Any] = {
        "id": draw(st.text(min_size=1, max_size=12) | json_values),
        "type": draw(st.sampled_from(KINDS) | json_values),
        "emitted_at": draw(st.floats(allow_nan=False) | json_values),
        "conversation": draw(st.fixed_dictionaries({"id": st.just(conversation)}) | json_values),
        "target": draw(json_values),
    }
    for key in draw(st.lists(st.sampled_from(sorted(payload)), max_size=3)):
        payload.pop(key, None)
    envelope = {
        "type": draw(st.sampled_from(["sync", "event", "nope"]) | json_values),
        "authorization": draw(st.fixed_dictionaries({"id": st.text(max_size=12)}) | json_values),
        "payload": payload,
    }
    return draw(st.just(envelope) | json_values)


header_names = st.sampled_from(
    ["x-front-signature", "x-front-request-timestamp", "content-type", "x-front-challenge"]
)
headers = st.dictionaries(
    header_names, st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
)


def _typed(answer: Any) -> None:
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        error = answer.json()["error"]
        assert error["code"] and error["message"]


def test_arbitrary_deliveries_get_typed_answers(
    events_host: EventsHost, caplog: pytest.LogCaptureFixture
) -> None:
    @RELIABLE
    @given(body=st.binary(max_size=300), sent=headers)
    def unsigned(body: bytes, sent: dict[str, str]) -> None:
        _typed(events_host.http.post("/webhooks/front", content=body, headers=sent))
        _typed(
            events_host.http.post("/webhooks/front/rules/escalations", content=body, headers=sent)
        )

    @RELIABLE
    @given(envelope=envelopes(), skew=st.sampled_from([0, -400, 400]))
    def signed(envelope: Any, skew: int) -> None:
        body = json.dumps(envelope).encode()
        stamp = str(int((time.time() + skew) * 1000))
        sent = {
            "x-front-signature": app_signature(APP_SECRET, stamp, body),
            "x-front-request-timestamp": stamp,
            "content-type": "application/json",
        }
        _typed(events_host.http.post("/webhooks/front", content=body, headers=sent))
        rule = json.dumps(envelope.get("payload") if isinstance(envelope, dict) else envelope)
        rule_headers = {"x-front-signature": rule_signature(RULE_SECRET, rule.encode())}
        _typed(
            events_host.http.post(
                "/webhooks/front/rules/escalations", content=rule.encode(), headers=rule_headers
            )
        )

    with caplog.at_level(logging.WARNING):
        unsigned()
        signed()
        stats = events_host.settle()
    deliveries = stats["deliveries"]
    assert deliveries["pending"] == 0 and deliveries["failed"] == 0, stats
    assert deliveries["done"] + deliveries["unrouted"] > 0, stats  # some got past verification
    crashed = [r for r in caplog.records if r.exc_info and r.name.startswith("connector_front")]
    assert not crashed, [r.getMessage() for r in crashed]
