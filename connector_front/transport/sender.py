"""One HTTP exchange with Front: an ``httpx.Request`` built, authorized and handed to a transport.

Only what the connector needs of an HTTP client's send path: default headers and timeouts,
httpx's ``Auth`` flow (token refresh after a 401 lives in the auth classes) and the body read
whole. Redirects are followed by ``FrontClient`` after vetting the host; there is no cookie jar
(Front's API sets no cookie worth keeping), no event hook and no base URL to merge, each of
which would cost CPU on every page of a long listing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

DEFAULT_HEADERS = {
    "accept": "application/json",
    "accept-encoding": "gzip, deflate",
    "user-agent": "connector-front",
}
"""Sent with every request; a caller's header of the same name wins."""


class Sender:
    """Sends one request: default headers and timeouts, the auth flow, the body read.

    ``transport`` carries every request (the aiohttp one by default, opened on first use);
    ``answered`` hears of each exchange: Front's status, or None when no answer came (a
    request the auth flow sends again after a 401 is an exchange of its own).
    """

    def __init__(
        self,
        auth: httpx.Auth,
        transport: httpx.AsyncBaseTransport,
        *,
        timeout: float,
        answered: Callable[[int | None], None] | None = None,
    ) -> None:
        self.auth = auth
        self.transport = transport
        self._timeout = httpx.Timeout(timeout).as_dict()
        self._answered = answered

    async def send(
        self,
        method: str,
        url: httpx.URL,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Front's answer, body read. A transport failure raises httpx's ``TransportError``."""
        request = httpx.Request(
            method,
            url,
            params=params,
            json=json,
            content=content,
            headers=_with_defaults(headers),
            extensions={"timeout": self._timeout},
        )
        flow = self.auth.async_auth_flow(request)
        try:
            request = await flow.__anext__()
            while True:  # as httpx's client runs an auth flow: a 401 may ask for a retry
                response = await self._exchange(request)
                try:
                    request = await flow.asend(response)
                except StopAsyncIteration:
                    return response
        finally:
            await flow.aclose()

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self.transport.handle_async_request(request)
            response.request = request
            try:
                await response.aread()
            finally:
                await response.aclose()
        except BaseException:
            if self._answered is not None:
                self._answered(None)
            raise
        if self._answered is not None:
            self._answered(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()


_DEFAULTS = httpx.Headers(DEFAULT_HEADERS)  # never changed: a Request copies what it is given


def _with_defaults(headers: Mapping[str, str] | None) -> httpx.Headers:
    """The default headers, a caller's replacing any of the same name (in any case)."""
    if not headers:
        return _DEFAULTS
    merged = _DEFAULTS.copy()
    merged.update(headers)
    return merged
