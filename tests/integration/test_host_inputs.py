"""Inputs that Python reads too generously (digits of other scripts, NaN, huge integers, lone
surrogates) and cursors signed with a known key but naming another page: each a 400 with a
message on the running host, never a 500, never sent on to Front, never a raw line break in
the log."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

import pytest

from connector_front.cursor import CursorCodec
from connector_front.host.table import ROUTE_TABLE
from connector_front.sandbox import SandboxConfig
from tests.conftest import Host, HostFactory
from tests.integration.webhook_support import APP_SECRET, app_signature

SUPERSCRIPT_TWO, ARABIC_ONE = "\u00b2", "\u0661"
HUGE = "7" * 4_400
"""An integer of more digits than Python converts (4,300)."""


@pytest.fixture
def with_secret(make_host: HostFactory) -> Iterator[Host]:
    with make_host(webhook_secrets=APP_SECRET) as host:
        yield host


@pytest.mark.parametrize("stamp", [SUPERSCRIPT_TWO * 13, ARABIC_ONE * 13, "1_700_000_000_000"])
def test_a_webhook_timestamp_of_other_digits_is_a_400(with_secret: Host, stamp: str) -> None:
    body = b'{"type": "sync", "authorization": {"id": "cmp_1"}}'
    headers = [
        (b"content-type", b"application/json"),
        (b"x-front-request-timestamp", stamp.encode()),
        (b"x-front-signature", app_signature(APP_SECRET, stamp, body).encode()),
    ]
    with with_secret.client() as http:
        answer = http.post("/webhooks/front", content=body, headers=headers)
        latin = [(b"x-front-request-timestamp", b"\xb2" * 13), (b"x-front-signature", b"x")]
        raw = http.post("/webhooks/front", content=body, headers=latin)  # '²' as latin-1
    for refused in (answer, raw):
        assert refused.status_code == 400, refused.text
        error = refused.json()["error"]
        assert error["code"] == "invalid_timestamp" and "milliseconds" in error["message"]


JSON_ROUTES = [
    (method, route.template.replace("{model}", "genericContact").replace("{id}", "crd_1")
     .replace("{owner_id}", "acme"))
    for route in ROUTE_TABLE
    if route.body is not None and not route.html and not route.path.startswith("/webhooks/")
    for method in route.methods
] + [("POST", "/proxy/contacts")]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_an_integer_over_4300_digits_is_a_400_on_every_json_route(
    host: Host, method: str, path: str
) -> None:
    body = '{"fields": {"email": HUGE}, "ownerId": "x", "operations": [HUGE]}'.replace("HUGE", HUGE)
    host.clear_sandbox_requests()
    with host.client() as http:
        answer = http.request(method, path, content=body,
                              headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "4,300 digits" in answer.json()["error"]["message"]
    assert host.sandbox_requests() == []


@pytest.mark.parametrize("number", [HUGE, "NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_carry_are_a_400(host: Host, number: str) -> None:
    body = '{"fields": {"email": "n@example.com", "description": X}}'.replace("X", number)
    with host.client() as http:
        answer = http.post("/resources/genericContact", content=body,
                           headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/connect/sessions", '{"ownerId": "a\\ud800", "operations": ["genericContact::list"]}',
         "body.ownerId"),
        ("/connections/acme", '{"operations": ["genericContact::list\\udfff"]}',
         "body.operations[0]"),
        ("/resources/genericContact", '{"fields": {"\\ud83d": "x"}}', "body.fields"),
    ],
)  # fmt: skip
def test_a_lone_surrogate_is_a_400_naming_where(
    host: Host, path: str, body: str, where: str
) -> None:
    with host.client() as http:
        answer = http.post(path, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert "surrogate" in error["message"] and error["details"]["fields"] == [where]


@pytest.mark.parametrize("model", ["genericContact", "genericCompany", "ticketIssue"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e400", SUPERSCRIPT_TWO])
def test_an_updated_after_that_is_not_a_finite_time_is_a_400(
    host: Host, model: str, value: str
) -> None:
    host.clear_sandbox_requests()
    with host.client() as http:
        answer = http.get(f"/resources/{model}", params={"updatedAfter": value})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["details"]["fields"] == ["filters.updatedAfter"] and "finite" in error["message"]
    assert not [r for r in host.sandbox_requests() if "updated_after" in str(r)]


@pytest.mark.parametrize("after", [SUPERSCRIPT_TWO, ARABIC_ONE, "1_0", " 1", "-1"])
def test_an_events_position_of_other_digits_is_a_400_never_echoed(host: Host, after: str) -> None:
    with host.client() as http:
        answer = http.get("/events", params={"after": after})
        empty = http.get("/events", params={"after": "99999"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"]["fields"] == ["after"]
    assert empty.status_code == 200 and empty.json()["next"] == "99999"


def _codec() -> CursorCodec:
    """Cursors signed as the test hosts sign them (a key derived from the sandbox's secret)."""
    key = hashlib.sha256(b"cursor:" + SandboxConfig().client_secret.encode()).hexdigest()
    return CursorCodec([key.encode()])


@pytest.mark.parametrize(
    ("model", "value", "params"),
    [
        ("genericContact", "/teammates", {}),
        ("genericContact", "/contacts/../teammates", {}),
        ("genericContact", "/contacts\r\nx-injected: 1", {}),
        ("genericContact", "/contacts?page_token=a\r\nb", {}),
        ("genericContact", "\\\\evil.example/contacts", {}),
        ("genericContact", "/contacts\\..\\teammates", {}),
        ("genericCompany", "updated_after=1.5|/teammates", {}),
        ("genericCompany", "updated_after=nan|/accounts", {}),
        ("ticketComment", "messages|/teammates", {"issue": "cnv_s001"}),
        ("ticketComment", "other|/conversations/cnv_s001/messages", {"issue": "cnv_s001"}),
        ("ticketIssue", "walk:{\"at\": \"x\"}", {}),
    ],
)
def test_a_signed_cursor_naming_another_page_is_invalid_cursor(
    host: Host, caplog: pytest.LogCaptureFixture, model: str, value: str, params: dict[str, str]
) -> None:
    cursor = _codec().encode(model, value)
    host.clear_sandbox_requests()
    with caplog.at_level(logging.INFO), host.client() as http:
        answer = http.get(f"/resources/{model}", params={"cursor": cursor, **params})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_cursor"
    assert host.sandbox_requests() == []
    assert not any("\r" in r.getMessage() or "\n" in r.getMessage() for r in caplog.records)


@pytest.fixture
def keyed(make_host: HostFactory) -> Iterator[Host]:
    with make_host(host_key="inputs-test-key") as host:
        yield host


@pytest.mark.parametrize("path", ["/connectors/front/", "/resources/genericContact/", "/events/"])
def test_a_trailing_slash_is_a_404_never_a_redirect_naming_the_host(keyed: Host, path: str) -> None:
    with keyed.client() as http:
        answer = http.get(path, headers={"host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 404, answer.text
    assert "location" not in answer.headers and "evil" not in answer.text
    assert "trailing slash" in answer.json()["error"]["message"]


@pytest.mark.parametrize("value", ["1", "0", "TRUE", "yes", ""])
def test_a_flag_takes_only_what_the_document_lists(host: Host, value: str) -> None:
    with host.client() as http:
        answer = http.get("/resources/genericContact", params={"limit": 1, "raw": value})
        document = http.get("/openapi.json").json()
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["details"]["fields"] == ["raw"]
    listing = document["paths"]["/resources/genericContact"]["get"]["parameters"]
    assert next(p for p in listing if p["name"] == "raw")["schema"]["enum"] == ["true", "false"]
