"""Front's error answers mapped to typed errors whose messages say what, where and what to do."""

from __future__ import annotations

import json

import pytest

from connector_front.errors import (
    AuthorizationRequiredError,
    ConflictError,
    ConnectorError,
    InsufficientPermissionError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UnprocessableError,
    UpstreamError,
)
from connector_front.transport import FrontErrorBody, error_for_response


def front_body(status: int, title: str, message: str) -> bytes:
    return json.dumps({"_error": {"status": status, "title": title, "message": message}}).encode()


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, InvalidInputError),
        (401, AuthorizationRequiredError),
        (403, InsufficientPermissionError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableError),
        (429, RateLimitedError),
        (500, UpstreamError),
        (503, UpstreamError),
        (405, InvalidInputError),
    ],
)
def test_status_maps_to_typed_error_with_front_message(
    status: int, kind: type[ConnectorError]
) -> None:
    error = error_for_response(
        "GET", "/contacts/crd_1", status, front_body(status, "Title", "Front says why")
    )
    assert type(error) is kind
    assert "GET /contacts/crd_1" in error.message
    assert "Front says why" in error.message
    assert str(status) in error.message


def test_403_names_the_scope_from_the_spec() -> None:
    error = error_for_response("GET", "/contacts", 403, front_body(403, "Forbidden", "nope"))
    assert isinstance(error, InsufficientPermissionError)
    assert error.scopes == ["contacts:read"]
    assert "the OAuth app lacks scope contacts:read" in error.message
    assert "add it to the app and re-authorize" in error.message
    write = error_for_response("PATCH", "/contacts/crd_9", 403, b"")
    assert isinstance(write, InsufficientPermissionError)
    assert write.scopes == ["contacts:write"]


def test_403_in_api_token_mode_and_unknown_endpoint() -> None:
    error = error_for_response("GET", "/contacts", 403, b"", api_token=True)
    assert "the API token lacks scope contacts:read" in error.message
    unknown = error_for_response("GET", "/not-in-spec", 403, b"")
    assert isinstance(unknown, InsufficientPermissionError)
    assert unknown.scopes == []
    assert "permission" in unknown.message


def test_403_survives_a_failing_scope_lookup() -> None:
    def broken(method: str, path: str) -> tuple[str, ...]:
        raise RuntimeError("table missing")

    error = error_for_response("GET", "/contacts", 403, b"", scopes=broken)
    assert isinstance(error, InsufficientPermissionError)


def test_401_uses_the_reauthorize_hint() -> None:
    error = error_for_response(
        "GET", "/me", 401, b"", reauthorize_hint="Re-authorize the Front connection for 'o1'"
    )
    assert "Re-authorize the Front connection for 'o1'" in error.message


def test_429_carries_retry_after_and_attempts() -> None:
    error = error_for_response("GET", "/contacts", 429, b"", retry_after=7.0, attempts=3)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 7.0
    assert "after 3 attempts" in error.message
    assert "Retry in 7 s" in error.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", FrontErrorBody()),
        (b"upstream connect error", FrontErrorBody(message="upstream connect error")),
        (b"<html><body>502</body></html>", FrontErrorBody()),
        (b"[1, 2]", FrontErrorBody()),
        (b'{"error": "invalid_grant"}', FrontErrorBody(message="invalid_grant")),
        (b'{"_error": {"status": "x", "message": 5}}', FrontErrorBody(message="5")),
        (b"\xff\xfe garbage", FrontErrorBody(message="\ufffd\ufffd garbage")),
    ],
)
def test_error_body_parsing_is_tolerant(content: bytes, expected: FrontErrorBody) -> None:
    assert FrontErrorBody.parse(content) == expected


def test_long_messages_are_clipped() -> None:
    body = front_body(400, "Bad request", "x" * 5000)
    error = error_for_response("POST", "/contacts", 400, body)
    assert len(error.message) < 600
