"""OAuth codes, states and tokens in URLs never reach a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connector_front.util.redaction import (
    escape_controls,
    hide_values,
    install_log_redaction,
    redact,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "GET /oauth/callback?code=abc&state=def HTTP/1.1",
            "GET /oauth/callback?code=[redacted]&state=[redacted] HTTP/1.1",
        ),
        (
            "https://app.frontapp.com/oauth/authorize?response_type=code&client_id=c&state=s1",
            "https://app.frontapp.com/oauth/authorize?response_type=code&client_id=c"
            "&state=[redacted]",
        ),
        (
            "/x?access_token=t&limit=5&refresh_token=r",
            "/x?access_token=[redacted]&limit=5&refresh_token=[redacted]",
        ),
        ("/contacts?limit=5&page_token=p", "/contacts?limit=5&page_token=p"),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_access_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    factory = logging.getLogRecordFactory()
    install_log_redaction()  # idempotent
    assert logging.getLogRecordFactory() is factory
    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5",
            "GET",
            "/oauth/callback?code=SECRET1&state=SECRET2",
            "1.1",
            400,
        )
    assert "SECRET1" not in caplog.text and "SECRET2" not in caplog.text
    assert "code=[redacted]" in caplog.text


def test_host_keys_never_show_in_reprs(tmp_path: Path) -> None:
    from connector_front.cursor import CursorCodec, cursor_keys
    from connector_front.host.config import HostConfig
    from connector_front.settings import ConnectorSettings

    secret = "very-secret-host-key"
    settings = ConnectorSettings(
        host_key=f"{secret}, older-secret-key", database=str(tmp_path / "c.sqlite3")
    )
    config = HostConfig.from_settings(settings)
    assert config.keys == (secret, "older-secret-key")
    codec = CursorCodec(cursor_keys(settings))
    for text in (repr(settings), str(settings), repr(config), repr(codec)):
        assert secret not in text and "older-secret-key" not in text


def test_a_url_object_argument_is_redacted_too(caplog: pytest.LogCaptureFixture) -> None:
    """httpx logs its request line with an ``httpx.URL`` argument, not a string."""
    import httpx

    install_log_redaction()
    url = httpx.URL("http://127.0.0.1:9/oauth/authorize?client_id=c&state=SECRET3")
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info("HTTP Request: %s %s %d", "GET", url, 302)
    assert "SECRET3" not in caplog.text and "state=[redacted]" in caplog.text
    assert caplog.text.rstrip().endswith("302")


def test_the_records_of_child_loggers_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    """A filter on the ``connector_front`` logger missed ``connector_front.host``'s records."""
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("connector_front.host").warning("refused %s", "/cb?code=SECRET4")
    assert "SECRET4" not in caplog.text and "code=[redacted]" in caplog.text


@pytest.mark.parametrize("name", ["connector_front.host", "uvicorn.access"])
def test_request_data_cannot_forge_a_log_line(name: str) -> None:
    install_log_redaction()
    forged = "/contacts\r\n2026-01-01 INFO connector_front: all good\u2028"
    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger(name)  # uvicorn's own loggers do not propagate once it ran
    logger.addHandler(handler)
    try:
        logger.warning("GET %s -> 500", forged)
    finally:
        logger.removeHandler(handler)
    assert lines == ["GET /contacts\\r\\n2026-01-01 INFO connector_front: all good\\u2028 -> 500"]
    assert escape_controls("a\tb\x00\x85") == "a\tb\\x00\\x85"


def test_a_host_key_in_a_query_string_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    hide_values(["query-string-host-key", "short"])
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logging.getLogger("uvicorn.access").info(
            '"%s %s"', "GET", "/events?hostkey=query-string-host-key&k=short&api_key=abcdef"
        )
    assert "query-string-host-key" not in caplog.text and "api_key=[redacted]" in caplog.text
    assert "k=short" in caplog.text  # too short to hide: it would blank ordinary words
