"""The connections under the client: httpx's requests carried by aiohttp.

A bare listing loop on httpx's own asynchronous transport (httpcore on anyio, HTTP parsed by
h11 in Python) cost about a quarter more CPU than on a synchronous ``httpx.Client`` (20,012
contacts, five walks each); on aiohttp, which parses HTTP in C, it cost no more than the
synchronous one. ``httpx-aiohttp`` carries httpx's requests over aiohttp. Its errors are mapped
again here: it maps a dropped connection (the request may have reached Front) to
``ConnectTimeout``, which the retry policy reads as "never sent" and would send a POST again
on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import httpx
from aiohttp import ClientSession
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


class _Body(httpx.AsyncByteStream):
    """An answer's body, its read errors mapped as the request's are."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        with _mapped():
            await self._stream.aclose()


class _Sessions(AiohttpTransport):
    """httpx-aiohttp's session, without aiohttp's own second try of an idempotent request
    on a kept-alive connection that closed: retries are the retry policy's alone, counted and
    logged there (``max_attempts`` is the most requests Front receives)."""

    def get_client(self) -> ClientSession:
        session = super().get_client()
        session._retry_connection = False  # no public switch (aiohttp 3.10+)
        return session


class WireTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=WireTransport())``: requests over an aiohttp session,
    opened on first use (in the running event loop) and closed with the client."""

    def __init__(self) -> None:
        self._inner = _Sessions()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with _mapped():
            response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)  # an aiohttp body stream
        response.stream = _Body(response.stream)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
