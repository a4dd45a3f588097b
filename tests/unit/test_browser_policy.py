"""The browser guard's decision, as a table: which requests a web page may make the host do."""

from __future__ import annotations

import pytest

from connector_front.errors import ConfigurationError
from connector_front.host.browser import BrowserPolicy, Visit, refusal
from connector_front.host.requests import is_json_type
from connector_front.settings import ConnectorSettings
from connector_front.util.web_origin import parse_origin

OPEN = BrowserPolicy(open_host=True)
KEYED = BrowserPolicy(open_host=False)
PROXIED = BrowserPolicy(open_host=True, public_origins=frozenset({"https://connect.example.com"}))


def _code(policy: BrowserPolicy, method: str, host: str | None, origin: str | None) -> str | None:
    error = refusal(Visit(method, "http", host, origin), policy)
    return None if error is None else error.code


@pytest.mark.parametrize(
    ("policy", "method", "host", "origin", "code"),
    [
        (OPEN, "GET", "127.0.0.1:8000", None, None),
        (OPEN, "GET", "localhost", None, None),
        (OPEN, "GET", "[::1]:9", None, None),
        (OPEN, "GET", "evil.example:8000", None, "host_not_allowed"),
        (OPEN, "GET", None, None, "host_not_allowed"),
        (OPEN, "GET", "127.0.0.1:8000\r\nx", None, "host_not_allowed"),
        (OPEN, "POST", "127.0.0.1:8000", None, None),  # curl, a back end: no Origin
        (OPEN, "POST", "127.0.0.1:8000", "http://127.0.0.1:8000", None),
        (OPEN, "POST", "127.0.0.1:80", "http://127.0.0.1", None),  # the default port
        (OPEN, "POST", "localhost:8000", "http://127.0.0.1:8000", "origin_not_allowed"),
        (OPEN, "POST", "127.0.0.1:8000", "https://127.0.0.1:8000", "origin_not_allowed"),
        (OPEN, "DELETE", "127.0.0.1:8000", "null", "origin_not_allowed"),
        (OPEN, "PATCH", "127.0.0.1:8000", "https://evil.example", "origin_not_allowed"),
        (OPEN, "PUT", "127.0.0.1:8000", "http://127.0.0.1:8000/path", "origin_not_allowed"),
        (OPEN, "GET", "127.0.0.1:8000", "https://evil.example", None),  # reads are not checked
        (OPEN, "OPTIONS", "127.0.0.1:8000", "https://evil.example", None),
        (KEYED, "GET", "front.internal", None, None),
        (KEYED, "POST", "front.internal", "http://front.internal", None),
        (KEYED, "POST", "front.internal", "https://evil.example", "origin_not_allowed"),
        (KEYED, "POST", None, "http://front.internal", "origin_not_allowed"),
        (PROXIED, "GET", "connect.example.com", None, None),
        (PROXIED, "POST", "127.0.0.1:8000", "https://connect.example.com", None),
        (PROXIED, "POST", "127.0.0.1:8000", "https://CONNECT.example.com:443", None),
        (PROXIED, "POST", "127.0.0.1:8000", "http://connect.example.com", "origin_not_allowed"),
        (PROXIED, "GET", "other.example.com", None, "host_not_allowed"),
    ],
)
def test_refusal(
    policy: BrowserPolicy, method: str, host: str | None, origin: str | None, code: str | None
) -> None:
    assert _code(policy, method, host, origin) == code


def test_a_refusal_repeats_a_header_escaped_and_cut_short() -> None:
    error = refusal(Visit("GET", "http", "evil\r\n" + "x" * 500, None), OPEN)
    assert error is not None
    assert "\r" not in error.message and "\\r\\n" in error.message and len(error.message) < 400


@pytest.mark.parametrize(
    ("content_type", "json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/merge-patch+json", True),
        ("text/plain", False),
        ("text/json", False),
        ("text/plain+json", False),
        ("application/x-www-form-urlencoded", False),
        ("", False),
        (None, False),
    ],
)
def test_what_counts_as_json(content_type: str | None, json: bool) -> None:
    assert is_json_type(content_type) is json


def test_public_origins_are_read_in_one_form() -> None:
    given = "HTTPS://Connect.Example.com:443/, http://[::1]:80"
    settings = ConnectorSettings.load(env={"CONNECTOR_FRONT_PUBLIC_ORIGINS": given})
    assert settings.public_origins == ["https://connect.example.com", "http://[::1]"]
    assert parse_origin("https://connect.example.com/") in settings.public_origins


@pytest.mark.parametrize("bad", ["https://a.example/path", "a.example", "ftp://a", "null"])
def test_a_public_origin_that_is_not_one_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=r"PUBLIC_ORIGINS.*is not an origin"):
        ConnectorSettings.load(env={"CONNECTOR_FRONT_PUBLIC_ORIGINS": bad})
