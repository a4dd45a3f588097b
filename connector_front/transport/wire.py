"""The connections under the client: httpx's requests carried by aiohttp.

aiohttp parses HTTP in C, which keeps a long listing's CPU per page low (``bench/`` measures
it). ``httpx-aiohttp`` opens the session (TLS as httpx sets it up, pool limits); each request
is sent on it here and its body read whole, sparing the stream wrappers of a body read chunk by
chunk. aiohttp's errors are mapped to httpx's from one table: a dropped connection (the request
may have reached Front) must not read as "never sent", or the retry policy would send a POST
again.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from aiohttp import ClientSession, ClientTimeout
from httpx_aiohttp import AiohttpTransport

_ERRORS: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    # before the classes they derive from: the first match is taken
    (aiohttp.ClientProxyConnectionError, httpx.ProxyError),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # never connected: not sent
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),  # never connected: not sent
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),  # a body cut short
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # an answer that is not HTTP
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.InvalidUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.ClientConnectionError, httpx.ReadError),  # connected, then lost: maybe sent
    (aiohttp.ClientError, httpx.TransportError),
)
"""aiohttp's error -> httpx's, read by the retry policy (``retry.NOT_SENT_ERRORS``)."""


def transport_error(exc: BaseException) -> httpx.TransportError | None:
    """httpx's error for an aiohttp one (found as is, or as the cause of httpx-aiohttp's
    mapping); None for anything else."""
    cause = exc.__cause__ if isinstance(exc, httpx.TransportError) else exc
    for source, target in _ERRORS:
        if isinstance(cause, source):
            return target(str(cause) or type(cause).__name__)
    return None


@contextmanager
def _mapped() -> Iterator[None]:
    try:
        yield
    except (aiohttp.ClientError, httpx.TransportError) as exc:
        mapped = transport_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


def tls_context() -> ssl.SSLContext:
    """The TLS settings every client shares, as httpx makes them (certifi's authorities, or
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as set when a client is made).

    Loading the authorities costs about 0.8 MB a context: one per client made a host that
    served many owners grow by that much per owner.
    """
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """One context per setting of the variables httpx reads (they are its arguments so that
    a changed setting gets its own)."""
    return httpx.create_ssl_context(trust_env=True)


class _Sessions(AiohttpTransport):
    """httpx-aiohttp's session, without aiohttp's own second try of an idempotent request
    on a kept-alive connection that closed: retries are the retry policy's alone, counted and
    logged there (``max_attempts`` is the most requests Front receives)."""

    def get_client(self) -> ClientSession:
        session = super().get_client()
        session._retry_connection = False  # no public switch (aiohttp 3.10+)
        return session

    def session(self) -> ClientSession:
        """The session, opened on first use (in the running event loop), and again on the
        first use after it was closed."""
        if not isinstance(self.client, ClientSession) or self.client.closed:
            self.client = None  # else get_client hands back the closed one
            self.client = self.get_client()
        return self.client

    @property
    def closed(self) -> bool:
        """No session is open (none yet, or the last one was closed)."""
        return not isinstance(self.client, ClientSession) or self.client.closed


class WireTransport(httpx.AsyncBaseTransport):
    """Requests over an aiohttp session, opened on first use (in the running event loop) and
    closed with the client; through the proxy the environment names for a URL, if any
    (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` read when it is made; ``NO_PROXY`` when a
    host and port is first used)."""

    def __init__(self) -> None:
        self._inner = _Sessions(verify=tls_context())
        self._proxies = getproxies()
        self._proxy_of: dict[tuple[str, str], str | None] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Front's answer with its body read whole (every caller reads it whole), the body
        left encoded as sent (httpx's response decodes it)."""
        timeout = request.extensions.get("timeout", {})
        with _mapped():
            async with self._inner.session().request(
                request.method,
                str(request.url),
                proxy=self._proxy(request.url),
                headers=request.headers,
                data=await request.aread() or None,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=ClientTimeout(
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
            ) as answer:
                body = await answer.read()
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            content=body,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    def _proxy(self, url: httpx.URL) -> str | None:
        """The environment's proxy for ``url``'s scheme, unless ``NO_PROXY`` names its host
        (or its host and port); decided once per scheme, host and port (the client talks to
        one or two)."""
        key = (url.scheme, url.netloc.decode("ascii"))
        if key not in self._proxy_of:
            proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
            bypass = proxy is not None and bool(proxy_bypass(key[1]))
            self._proxy_of[key] = None if bypass else proxy
        return self._proxy_of[key]

    @property
    def closed(self) -> bool:
        """No connection pool is open: none opened yet, or closed (a request opens one)."""
        return self._inner.closed

    async def aclose(self) -> None:
        await self._inner.aclose()
