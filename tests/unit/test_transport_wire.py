"""aiohttp's errors read as httpx's, the way the retry policy needs them."""

from __future__ import annotations

import aiohttp
import certifi
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey

from connector_front.transport.retry import MAYBE_SENT_ERRORS, NOT_SENT_ERRORS
from connector_front.transport.wire import WireTransport, transport_error

KEY = ConnectionKey("front.example", 443, True, True, None, None, None)

NEVER_SENT = [
    aiohttp.ClientConnectorError(KEY, OSError(111, "Connection refused")),
    aiohttp.ConnectionTimeoutError("Connection timeout to host"),
]
MAYBE_SENT = [
    aiohttp.ServerDisconnectedError(),
    aiohttp.ClientOSError(104, "Connection reset by peer"),
    aiohttp.ClientPayloadError("Response payload is not completed"),
    aiohttp.SocketTimeoutError("Timeout on reading data from socket"),
    aiohttp.ClientConnectionError("Connection lost"),
]


@pytest.mark.parametrize("error", NEVER_SENT, ids=lambda e: type(e).__name__)
def test_a_connection_never_made_reads_as_not_sent(error: aiohttp.ClientError) -> None:
    mapped = transport_error(error)
    assert isinstance(mapped, NOT_SENT_ERRORS)


@pytest.mark.parametrize("error", MAYBE_SENT, ids=lambda e: type(e).__name__)
def test_a_connection_lost_after_sending_reads_as_maybe_sent(error: aiohttp.ClientError) -> None:
    """httpx-aiohttp maps several of these to ConnectTimeout: a POST would be sent twice."""
    mapped = transport_error(error)
    assert isinstance(mapped, MAYBE_SENT_ERRORS)
    assert not isinstance(mapped, NOT_SENT_ERRORS)


def test_the_cause_of_httpx_aiohttps_own_mapping_is_what_is_read() -> None:
    wrapped = httpx.ConnectTimeout("mapped by httpx-aiohttp")
    wrapped.__cause__ = aiohttp.ServerDisconnectedError()
    mapped = transport_error(wrapped)
    assert isinstance(mapped, httpx.RemoteProtocolError)


def test_a_url_aiohttp_cannot_send_is_unsupported() -> None:
    mapped = transport_error(aiohttp.NonHttpUrlClientError("ftp://front.example"))
    assert isinstance(mapped, httpx.UnsupportedProtocol)


def test_errors_that_are_not_aiohttps_are_left_alone() -> None:
    assert transport_error(ValueError("not a transport error")) is None
    assert transport_error(httpx.ReadError("httpx's own, no aiohttp cause")) is None


def test_no_proxy_naming_a_port_is_decided_per_port(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "all_proxy", "no_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1:8001")
    wire = WireTransport()
    assert wire._proxy(httpx.URL("http://127.0.0.1:8001/contacts")) is None
    assert wire._proxy(httpx.URL("http://127.0.0.1:8002/contacts")) == "http://proxy.example:3128"


def test_every_transport_shares_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the certificate authorities costs about 0.8 MB: once per process, not per
    owner's client; a different SSL_CERT_FILE still gets a context of its own."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    first, second = WireTransport(), WireTransport()
    assert first._inner.ssl_context is second._inner.ssl_context
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert WireTransport()._inner.ssl_context is not first._inner.ssl_context
