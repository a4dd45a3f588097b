"""The HTTP client to Front: typed errors, retries, pacing, redirects and list pages over one
connection pool per connection (``sender.Sender`` on ``wire.WireTransport``)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import Any

import httpx
import orjson
from tenacity import RetryCallState

from connector_front import observe
from connector_front.errors import (
    ConfigurationError,
    ConnectorError,
    InvalidInputError,
    MovedError,
    UpstreamError,
)
from connector_front.grants.scopes import match_template
from connector_front.observe.signals import FrontAnswered, FrontRetried
from connector_front.observe.spans import Span
from connector_front.paging import FrontPage
from connector_front.transport.errors import error_for_response
from connector_front.transport.hosts import HostPolicy
from connector_front.transport.lanes import Lane, current_lane, lane
from connector_front.transport.pacing import Pacer
from connector_front.transport.retry import RetryPolicy, rate_limit_wait
from connector_front.transport.sender import Sender

logger = logging.getLogger("connector_front.transport")

RequestHook = Callable[[str, str], None]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 3
_READ_METHODS = frozenset({"GET", "HEAD"})
_DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
    }
)
"""Caller headers never forwarded by :meth:`FrontClient.send_raw` (auth comes from us)."""


class BrokenBodyError(httpx.RemoteProtocolError):
    """A 2xx answer whose JSON body is cut short or broken: read again like a dropped answer."""


@dataclass(frozen=True)
class Sent:
    """What one logical request came to: Front's last answer and the attempts it took, with
    its JSON when a 2xx was decoded as it arrived (``decoded``; a ``None`` body is empty)."""

    response: httpx.Response
    attempts: int
    decoded: bool = False
    body: Any = None


@dataclass
class _Request:
    """One logical request as its attempts share it: what to send, and how far it got."""

    method: str
    url: httpx.URL
    path: str
    """The API path, for logs, spans and errors."""
    lane: Lane
    params: Mapping[str, Any] | None
    json: Any
    content: bytes | None
    headers: Mapping[str, str] | None
    decode: bool
    """Decode a 2xx's JSON as it arrives: a broken one is then retried like a dropped answer."""
    attempts: int = 0
    decoded: bool = False
    body: Any = None

    @property
    def where(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class ClientStats:
    """Counters of one client, for logs, tests and benchmarks."""

    requests: int = 0
    attempts: int = 0
    retries: int = 0
    rate_limited: int = 0
    by_lane: Counter[Lane] = field(default_factory=Counter)
    """Requests by the lane that sent them."""


class FrontClient:
    """Front's Core API over HTTP: typed errors, retries, pacing, list pages, host checks."""

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        on_request: RequestHook | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        try:
            self.hosts = HostPolicy(base_url)
        except ValueError as exc:
            raise ConfigurationError(f"Front API base URL is unusable: {exc}") from None
        self.retry = retry or RetryPolicy()
        self.pacer = pacer if pacer is not None else Pacer()
        self.on_request = on_request
        self.stats = ClientStats()
        self._in_flight = 0
        self._retired = False
        self._auth = auth
        self._sleep = sleep
        if transport is None:  # aiohttp is imported on first use: most commands never need it
            from connector_front.transport.wire import WireTransport

            transport = WireTransport()
        self._sender = Sender(auth, transport, timeout=timeout, answered=self._answered)

    @property
    def base_url(self) -> str:
        return str(self.hosts.base)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Requests sent through this client that have not finished."""
        return self._in_flight

    @property
    def closed(self) -> bool:
        """No connection is open (none yet, or closed; the next request opens one)."""
        return bool(getattr(self._sender.transport, "closed", False))

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def retire(self) -> None:
        """Close the connections once no request is in flight: now when idle, else when the
        last one ends. A caller still holding the client may send again; its connections
        close again when that request ends."""
        self._retired = True
        if self._in_flight == 0:
            await self.aclose()

    async def __aenter__(self) -> FrontClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the API --------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Front's parsed JSON answer (None for 204/empty); non-2xx raises a typed error.

        A 202's JSON body is returned too: Front puts ``message_uid`` there.
        """
        method = method.upper()
        return await self._call(method, self._resolve(method, path), params=params, json=json)

    async def list_page(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        next_url: str | None = None,
    ) -> FrontPage:
        """One page of a listing: the first (``path`` + ``params``) or the one at ``next_url``."""
        url = self._vet_next(path, next_url) if next_url else self._resolve("GET", path)
        body = await self._call("GET", url, params=None if next_url else params, json=None)
        return FrontPage.from_body(body, f"GET {self.hosts.api_path(url)}")

    async def send_raw(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Front's answer as-is (no raising on 4xx/5xx) with auth added, for the proxy."""
        method = method.upper()
        url = self._resolve(method, path)
        clean = {k: v for k, v in (headers or {}).items() if k.lower() not in _DROPPED_HEADERS}
        sent = await self._send(method, url, params=params, content=content, headers=clean or None)
        return sent.response

    # -- internals ------------------------------------------------------------------------

    def _resolve(self, method: str, path: str) -> httpx.URL:
        try:
            return self.hosts.resolve(path)
        except ValueError as exc:
            raise InvalidInputError(
                f"{method} {path.split('?', 1)[0]!r} cannot be sent: {exc}. Give a Front API "
                "path such as /contacts.",
                fields=["path"],
            ) from None

    def _vet_next(self, path: str, next_url: str) -> httpx.URL:
        """The URL of a next-page link: a Front URL, or an API path kept by a cursor."""
        try:
            return self.hosts.resolve(next_url)
        except (ValueError, httpx.InvalidURL) as exc:
            raise UpstreamError(
                f"The next-page link for GET {path} is unusable: {exc} (Front's API host is "
                f"{self.hosts.base.host} or *.frontapp.com); refusing to send the credentials "
                "there. Check the API base URL."
            ) from None

    async def _call(
        self, method: str, url: httpx.URL, *, params: Mapping[str, Any] | None, json: Any
    ) -> Any:
        """Send with retries, follow a GET's redirect, and parse or raise."""
        for _ in range(_MAX_REDIRECTS + 1):
            decode = method in self.retry.retry_methods  # a broken body is read again
            sent = await self._send(method, url, params=params, json=json, decode=decode)
            if sent.response.status_code not in _REDIRECTS:
                return self._parse(method, url, sent)
            url = self._redirect_target(method, url, sent.response)
            params = None  # the Location carries its own query
        raise UpstreamError(
            f"Front redirected {method} {self.hosts.api_path(url)} more than {_MAX_REDIRECTS} "
            "times. Try again later."
        )

    def _redirect_target(self, method: str, url: httpx.URL, response: httpx.Response) -> httpx.URL:
        where = f"{method} {self.hosts.api_path(url)}"
        location = response.headers.get("location")
        if not location:
            raise UpstreamError(f"Front redirected {where} without a Location. Try again later.")
        target = url.join(location)
        if method not in _READ_METHODS:
            new_path = self.hosts.api_path(target)
            raise MovedError(
                f"Front answered {where} with {response.status_code}: the resource moved to "
                f"{new_path} (a merged conversation). Send the change to {new_path} instead.",
                location=_moved_id(self.hosts.api_path(url), new_path),
            )
        if not self.hosts.is_allowed(target):
            raise UpstreamError(
                f"Front redirected {where} to {target.host}, which is not Front's API host; "
                "refusing to send the credentials there."
            )
        logger.info("%s -> %s, following to %s", where, response.status_code, target.path)
        return target

    def _parse(self, method: str, url: httpx.URL, sent: Sent) -> Any:
        """A 2xx answer's JSON, or the typed error of any other answer."""
        response, status = sent.response, sent.response.status_code
        path = self.hosts.api_path(url)
        if 200 <= status < 300 and sent.decoded:
            return sent.body
        if 200 <= status < 300:
            try:
                return _decoded(response)
            except ValueError:
                raise UpstreamError(
                    f"Front's answer to {method} {path} ({status}) is not JSON. Try again later."
                ) from None
        raise error_for_response(
            method,
            path,
            status,
            response.content,
            # retry-after, else x-ratelimit-reset: a caller is told when to come back either way
            retry_after=rate_limit_wait(response, self.retry.clock()),
            attempts=sent.attempts,
            # what the credential says of itself, for a 401 / 403 message a user can act on
            reauthorize_hint=getattr(
                self._auth, "reauthorize_hint", "Re-authorize the Front connection"
            ),
            api_token=getattr(self._auth, "api_token", False),
        )

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        decode: bool = False,
    ) -> Sent:
        """One logical request in the current lane (which what it logs names): hook, pacing,
        retries. With ``decode`` a 2xx's JSON is decoded as it arrives, and a broken one (a
        truncated body) is retried like a dropped connection. Counted in flight while it runs:
        a retired client closes after its last one."""
        path = self.hosts.api_path(url)
        request = _Request(
            method, url, path, current_lane(), params, json, content, headers, decode
        )
        self._in_flight += 1
        try:
            with lane(request.lane):
                return await self._send_with_retries(request)
        finally:
            self._in_flight -= 1
            if self._retired and self._in_flight == 0:
                await self.aclose()

    async def _send_with_retries(self, request: _Request) -> Sent:
        """The request told to the hook and counted, then attempted under the retry policy in
        its span."""
        if self.on_request is not None:
            self.on_request(request.method, request.path)
        self.stats.requests += 1
        self.stats.by_lane[request.lane] += 1
        retrying = self.retry.retrying(
            request.method, sleep=self._sleep, before_sleep=partial(self._log_retry, request)
        )
        try:
            with self._span(request.method, request.path, request.lane) as span:
                try:
                    response: httpx.Response = await retrying(partial(self._attempt, request))
                finally:
                    span.set("http.request.resend_count", max(0, request.attempts - 1))
                span.set("http.response.status_code", response.status_code)
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise self._failure(request, exc) from None
        return Sent(response, request.attempts, request.decoded, request.body)

    async def _attempt(self, request: _Request) -> httpx.Response:
        """One attempt: a turn of the pacer, the exchange, what Front said of its budget."""
        request.attempts += 1
        self.stats.attempts += 1
        await self.pacer.acquire(request.lane)
        try:
            response = await self._sender.send(
                request.method,
                request.url,
                params=request.params,
                json=request.json,
                content=request.content,
                headers=request.headers,
            )
        except BaseException as exc:
            self.pacer.release(None, lane=request.lane)
            logger.info("%s failed: %s (attempt %d)", request.where, _name(exc), request.attempts)
            raise
        status = response.status_code
        self.pacer.release(response.headers, status, request.lane)
        if status == 429:
            self.stats.rate_limited += 1
        logger.debug("%s -> %d (attempt %d)", request.where, status, request.attempts)
        if request.decode and 200 <= status < 300:
            request.body, request.decoded = _json_body(response, request.where), True
        return response

    def _log_retry(self, request: _Request, state: RetryCallState) -> None:
        """Before the retry policy sleeps: what the last attempt got, and when the next is."""
        self.stats.retries += 1
        observe.emit(FrontRetried(request.lane))
        outcome = state.outcome
        assert outcome is not None  # tenacity sleeps only after an outcome
        what = _name(outcome.exception()) if outcome.failed else outcome.result().status_code
        logger.warning(
            "%s -> %s; retrying in %.2f s (attempt %d of %d)",
            request.where,
            what,
            state.upcoming_sleep,
            state.attempt_number,
            self.retry.max_attempts,
        )

    def _failure(self, request: _Request, exc: Exception) -> ConnectorError:
        """The typed error of a request that got no answer after its last attempt."""
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return ConfigurationError(
                f"{request.where} cannot be sent to {self.hosts.base}: {_name(exc)}. Check the "
                "Front API base URL."
            )
        attempts = request.attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        advice = (
            "Try again later."
            if attempts > 1 or request.method in self.retry.retry_methods
            else "It was not retried because Front may have received it; check whether "
            "the change happened before sending it again."
        )
        return UpstreamError(
            f"Could not get an answer from Front for {request.where}{tries} "
            f"({_name(exc)}). {advice}"
        )

    def _answered(self, status: int | None) -> None:
        """Tell the listeners (metrics) of one exchange with Front, in the current work."""
        if observe.listening():
            lane = current_lane()
            observe.emit(FrontAnswered(observe.work(), lane, self.pacer.key, status))

    def _span(self, method: str, path: str, lane: Lane) -> AbstractContextManager[Span]:
        """The span of one request to Front (its retries included), named by its endpoint."""
        if not observe.tracing():
            return observe.span("")
        endpoint = match_template(method, path) or f"{method} (a path outside Front's spec)"
        attributes = {
            "http.request.method": method,
            "url.template": endpoint.partition(" ")[2],
            "server.address": self.hosts.base.host,
            "connector_front.lane": lane,
        }
        return observe.span(f"front {endpoint}", "client", attributes)

    def __repr__(self) -> str:
        return f"FrontClient({self.base_url!r}, auth={self._auth!r})"


def _json_body(response: httpx.Response, where: str) -> Any:
    """A 2xx answer's JSON (None when empty); a broken one raises :class:`BrokenBodyError`."""
    try:
        return _decoded(response)
    except ValueError:
        raise BrokenBodyError(
            f"Front's answer to {where} is not JSON (cut short?)", request=response.request
        ) from None


def _decoded(response: httpx.Response) -> Any:
    """A 2xx answer's JSON: None for an empty body, or a 202's that is not JSON (accepted;
    the body is a courtesy); ValueError for a broken one. A large body is not copied."""
    content = response.content
    if response.status_code == 204 or not content or content.isspace():
        return None
    try:
        return orjson.loads(content)
    except ValueError:
        if response.status_code == 202:
            return None
        raise


def _name(exc: BaseException | None) -> str:
    return type(exc).__name__ if exc is not None else "error"


def _moved_id(old_path: str, new_path: str) -> str:
    """The segment that changed between the two paths (the new id), else the new path."""
    old, new = old_path.strip("/").split("/"), new_path.strip("/").split("/")
    if len(old) == len(new):
        changed = [b for a, b in zip(old, new, strict=True) if a != b]
        if len(changed) == 1:
            return changed[0]
    return new_path
