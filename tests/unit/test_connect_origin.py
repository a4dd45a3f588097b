"""Where the connect page is served, as a table: on the OAuth callback's host name, so the
browser's cookie lands where the callback reads it; the target always from the settings, and
a page moved there once never moved again (a proxy that rewrites ``Host`` would loop)."""

from __future__ import annotations

import pytest

from connector_front.host.connect_origin import (
    Elsewhere,
    callback_origin,
    page_base,
    page_elsewhere,
)
from connector_front.settings import ConnectorSettings

LOCAL = "http://127.0.0.1:8000"
PUBLIC = "https://connect.example.com"


def _target(
    host: str | None, callback: str | None, path: str = "/connect", query: str = "session=t"
) -> str | None:
    """Where the page request is sent, None when it is served here."""
    elsewhere = page_elsewhere(host, path, query, callback)
    return None if elsewhere is None else elsewhere.target


@pytest.mark.parametrize(
    ("host", "callback", "moved"),
    [
        ("localhost:8000", LOCAL, f"{LOCAL}/connect?session=t&moved=1"),
        ("LOCALHOST:8000", LOCAL, f"{LOCAL}/connect?session=t&moved=1"),
        ("[::1]:8000", LOCAL, f"{LOCAL}/connect?session=t&moved=1"),
        ("evil.example", LOCAL, f"{LOCAL}/connect?session=t&moved=1"),  # never to the Host
        ("localhost:8000", PUBLIC, f"{PUBLIC}/connect?session=t&moved=1"),
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
    assert _target(host, callback) == moved


INTERNAL = "10.0.0.5:8000"
"""The host's own address, as a proxy that rewrites ``Host`` (nginx's default) names it."""


def _moved(query: str) -> Elsewhere:
    return Elsewhere(INTERNAL, "127.0.0.1", f"{LOCAL}/connect?{query}&moved=1")


@pytest.mark.parametrize(
    ("host", "query", "expected"),
    [
        ("127.0.0.1:8000", "session=t&moved=1", None),  # moved, and arrived: the page
        (INTERNAL, "session=t&moved=1", Elsewhere(INTERNAL, "127.0.0.1", None)),  # no loop
        (INTERNAL, "moved=1&session=t", Elsewhere(INTERNAL, "127.0.0.1", None)),
        (INTERNAL, "session=t&moved=", Elsewhere(INTERNAL, "127.0.0.1", None)),  # any value
        (INTERNAL, "session=t&moved=0", Elsewhere(INTERNAL, "127.0.0.1", None)),
        (INTERNAL, "session=t&removed=1", _moved("session=t&removed=1")),  # not the marker
        (INTERNAL, "session=t&moved1=1", _moved("session=t&moved1=1")),
        (INTERNAL, "session=t", _moved("session=t")),
    ],
)
def test_a_page_moved_once_is_served_where_it_arrives_even_by_another_host_name(
    host: str, query: str, expected: Elsewhere | None
) -> None:
    assert page_elsewhere(host, "/connect", query, LOCAL) == expected


def test_the_warning_for_a_page_moved_in_vain_names_the_fix_and_no_secret() -> None:
    query = "session=s3cr3t&moved=1"
    elsewhere = page_elsewhere(INTERNAL, "/connect/customer-1", query, PUBLIC)
    assert elsewhere is not None
    warning = elsewhere.warning()
    assert f"'{INTERNAL}'" in warning and "'connect.example.com'" in warning
    assert "proxy_set_header Host $host;" in warning and "redirect_uri" in warning
    assert "s3cr3t" not in warning and "session" not in warning and "customer-1" not in warning


def test_the_moved_page_keeps_its_path_quoted_and_its_query_as_sent() -> None:
    moved = _target("localhost", LOCAL, "/connect/a b?", "session=t&result=connected")
    assert moved == f"{LOCAL}/connect/a%20b%3F?session=t&result=connected&moved=1"
    assert _target("localhost", LOCAL, query="") == f"{LOCAL}/connect?moved=1"


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


@pytest.mark.parametrize(
    ("host", "callback", "base"),
    [
        ("127.0.0.1:8000", LOCAL, LOCAL),  # the back end used the callback's host name
        ("127.0.0.1:9000", LOCAL, "http://127.0.0.1:9000"),  # its port: the address it used
        ("10.0.0.5:8000", PUBLIC, PUBLIC),  # an internal address: where browsers are sent
        ("evil.example", LOCAL, LOCAL),  # never the Host header's
        ("10.0.0.5:8000", None, "http://10.0.0.5:8000"),  # an API token: no callback
        (None, PUBLIC, "http://10.0.0.5:8000"),  # no Host: the address as the server saw it
        ("not a host", PUBLIC, "http://10.0.0.5:8000"),
    ],
)
def test_a_sessions_url_is_on_the_callbacks_host_name(
    host: str | None, callback: str | None, base: str
) -> None:
    seen = "http://" + (host if host and host != "not a host" else "10.0.0.5:8000") + "/"
    assert page_base(host, seen, callback) == base
