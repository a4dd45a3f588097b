"""Cursors round-trip and refuse foreign input; the proxy refuses paths outside Front's API."""

from __future__ import annotations

import pytest

from connector_front.cursor import decode_cursor, encode_cursor
from connector_front.errors import InvalidInputError
from connector_front.proxy import check_proxy_path, forwardable_headers


def test_cursor_round_trip() -> None:
    url = "https://acme.api.frontapp.com/contacts?page_token=abc&limit=10"
    cursor = encode_cursor("genericContact", url)
    assert cursor is not None and "/" not in cursor
    assert decode_cursor("genericContact", cursor) == url
    assert encode_cursor("genericContact", None) is None
    assert decode_cursor("genericContact", None) is None


@pytest.mark.parametrize("cursor", ["not base64!", "e30", "bm9wZQ"])
def test_damaged_cursor_is_a_400(cursor: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        decode_cursor("genericContact", cursor)
    assert caught.value.fields == ["cursor"]


def test_cursor_of_another_model_is_refused() -> None:
    cursor = encode_cursor("genericCompany", "https://x.frontapp.com/accounts?page_token=1")
    with pytest.raises(InvalidInputError, match="genericCompany listing"):
        decode_cursor("genericContact", cursor)


@pytest.mark.parametrize(
    "path",
    ["https://evil.example/contacts", "//evil.example/x", "/contacts/../../etc", "/a/%2e%2e/b"],
)
def test_proxy_refuses_urls_and_traversal(path: str) -> None:
    with pytest.raises(InvalidInputError):
        check_proxy_path(path)


def test_proxy_accepts_api_paths() -> None:
    assert check_proxy_path("contacts") == "/contacts"
    assert check_proxy_path("/contacts/alt:email:a@b.co") == "/contacts/alt:email:a@b.co"


def test_proxy_never_forwards_the_callers_authorization() -> None:
    headers = forwardable_headers({"Authorization": "Bearer x", "Content-Type": "application/json"})
    assert headers == {"content-type": "application/json"}
