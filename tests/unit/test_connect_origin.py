"""Where the connect page is served, as a table: on the OAuth callback's host name, so the
browser's cookie lands where the callback reads it; the target always from the settings."""

from __future__ import annotations

import pytest

from connector_front.host.connect_origin import callback_origin, page_elsewhere
from connector_front.settings import ConnectorSettings

LOCAL = "http://127.0.0.1:8000"
PUBLIC = "https://connect.example.com"


@pytest.mark.parametrize(
    ("host", "callback", "moved"),
    [
        ("localhost:8000", LOCAL, f"{LOCAL}/connect?session=t"),
        ("LOCALHOST:8000", LOCAL, f"{LOCAL}/connect?session=t"),
        ("[::1]:8000", LOCAL, f"{LOCAL}/connect?session=t"),
        ("evil.example", LOCAL, f"{LOCAL}/connect?session=t"),  # the Host is never the target
        ("localhost:8000", PUBLIC, f"{PUBLIC}/connect?session=t"),
        ("127.0.0.1:8000", LOCAL, None),
        ("127.0.0.1:9999", LOCAL, None),  # a cookie reaches every port of its name
        ("connect.example.com", PUBLIC, None),  # http behind a proxy that ends TLS: no loop
        ("localhost:8000", None, None),  # an API token: no callback to meet
        (None, LOCAL, None),
        ("127.0.0.1:8000\r\nx", LOCAL, None),
    ],
)
def test_a_page_moves_only_when_the_browser_named_another_host_than_the_callbacks(
    host: str | None, callback: str | None, moved: str | None
) -> None:
    assert page_elsewhere(host, "/connect", "session=t", callback) == moved


def test_the_moved_page_keeps_its_path_quoted_and_its_query_as_sent() -> None:
    moved = page_elsewhere("localhost", "/connect/a b?", "session=t&result=connected", LOCAL)
    assert moved == f"{LOCAL}/connect/a%20b%3F?session=t&result=connected"
    assert page_elsewhere("localhost", "/connect", "", LOCAL) == f"{LOCAL}/connect"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"redirect_uri": "https://Connect.Example.com:443/oauth/callback"}, PUBLIC),
        ({"redirect_uri": "http://[::1]:8000/oauth/callback"}, "http://[::1]:8000"),
        ({"api_token": "tok", "redirect_uri": "http://127.0.0.1:8000/cb"}, None),
        ({"redirect_uri": "ftp://127.0.0.1/cb"}, None),
        ({"redirect_uri": "http://127.0.0.1:99999/cb"}, None),
    ],
)
def test_the_callbacks_origin_is_read_from_the_redirect_uri(
    settings: dict[str, str], expected: str | None
) -> None:
    assert callback_origin(ConnectorSettings.model_validate(settings)) == expected
