"""The outermost ASGI layer: journal, faults and rate limiting before any route runs.

Admin routes (`/_sandbox/...`) pass straight through; OAuth routes get faults
but no rate limit; every Front API answer carries the `x-ratelimit-*` headers of the
company's budget (shared by all of its tokens, as Front counts per company). A request over
the company's limit, its resource's burst limit or the search limit is answered 429 with a
`retry-after`, and counts against none of them.
"""

from __future__ import annotations

import asyncio
import math

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .drop import drop_connection
from .endpoint import bearer_token
from .errors import error_response
from .faults import Fault
from .journal import RequestEntry
from .ratelimit import BURST_WINDOW, Verdict, burst_resource, is_search
from .state import SandboxState
from .tokens import AccessCheck, digest

ADMIN_PREFIX = "/_sandbox"
OAUTH_PREFIX = "/oauth/"
ANSWERED = frozenset({"slow", "late", "cut", "truncate"})
"""Faults whose request reaches the API (and counts against the rate limit)."""


def _retry_after(seconds: float) -> str:
    """Whole seconds when whole, else the decimal (tests use sub-second bursts)."""
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


class Gateway:
    """Wraps the Starlette app with the sandbox's cross-cutting behaviour."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        state = self.state
        method, path = scope["method"], scope["path"]
        token = bearer_token(Headers(scope=scope))
        with state.lock:
            query = scope.get("query_string", b"").decode("latin-1")
            entry = state.journal.record(method, path, query, token is not None)
            fault = state.faults.take(method, path)
        if fault is not None and fault.kind == "drop":
            await drop_connection(send)
            return
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
        verdict, refused = None, None
        if not path.startswith(OAUTH_PREFIX):
            counted = fault is None or fault.kind in ANSWERED
            verdict, refused = self._count(token, path, counted=counted)
        extra = verdict.headers() if verdict else {}
        answer = _Recorder(_held(send, fault), entry, extra)
        if fault is not None and fault.kind in ("status", "rate_limit"):
            await self._fault_answer(fault, extra, scope, receive, answer)
            return
        if verdict is not None and not verdict.allowed:
            await self._too_many(verdict.retry_after, extra, scope, receive, answer)
            return
        if refused is not None:
            await self._too_many(refused, extra, scope, receive, answer)
            return
        await self.app(scope, receive, answer)

    def _count(self, token: str | None, path: str, counted: bool) -> tuple[Verdict, float | None]:
        """The company budget's verdict, and the seconds a burst or search limit asks to wait
        (None: within them); a request refused by any limit counts against none."""
        state = self.state
        with state.lock:
            key = self._budget_key(token)
            config, now, limiter = state.config, state.now(), state.limiter
            limit, window = config.effective_rate_limit, config.rate_window
            others = self._other_limits(key, path) if counted else []
            refused = [wait for k, n, w in others if (wait := limiter.allows(k, n, w, now))]
            if not counted or refused:
                return limiter.peek(key, limit, window, now), max(refused, default=None)
            verdict = limiter.hit(key, limit, window, now)
            if verdict.allowed:
                for other_key, other_limit, other_window in others:
                    limiter.hit(other_key, other_limit, other_window, now)
            return verdict, None

    def _other_limits(self, key: str, path: str) -> list[tuple[str, int, float]]:
        """The burst and search limits a request to ``path`` also counts against."""
        config = self.state.config
        limits = []
        resource = burst_resource(path)
        if resource is not None and config.burst_limit is not None:
            limits.append((f"{key}:burst:{resource}", config.burst_limit, BURST_WINDOW))
        if is_search(path):
            limits.append((f"{key}:search", config.search_limit, config.rate_window))
        return limits

    def _budget_key(self, token: str | None) -> str:
        """Front counts requests per company: every token the sandbox issued or knows shares
        the company's budget; an unknown token (answered 401) gets a bucket of its own."""
        state = self.state
        if token is None:
            return "anonymous"
        known = token in state.config.api_tokens
        if known or state.tokens.check_access(token, state.now()) is not AccessCheck.UNKNOWN:
            return f"company:{state.db.company.id}"
        return f"token:{digest(token)}"

    async def _fault_answer(
        self, fault: Fault, extra: dict[str, str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        if fault.kind == "rate_limit":
            await self._too_many(fault.retry_after, extra, scope, receive, send)
            return
        message = f"Sandbox fault: injected {fault.status} answer"
        await error_response(fault.status, message, headers=extra)(scope, receive, send)

    async def _too_many(
        self,
        retry_after: float | None,
        extra: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """A 429; without ``retry_after`` only the ``x-ratelimit-*`` headers say when."""
        with self.state.lock:
            self.state.journal.rate_limited += 1
        if retry_after is None:
            headers = dict(extra)
            message = "Rate limit exceeded. Please retry later."
        else:
            headers = {**extra, "retry-after": _retry_after(retry_after)}
            message = f"Rate limit exceeded. Please retry in {math.ceil(retry_after)} seconds."
        await error_response(429, message, headers=headers)(scope, receive, send)


class _Recorder:
    """Adds the rate-limit headers to the answer and notes its status in the journal."""

    def __init__(self, send: Send, entry: RequestEntry, extra: dict[str, str]) -> None:
        self.send = send
        self.entry = entry
        self.extra = [(k.encode(), v.encode()) for k, v in extra.items()]

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.entry.status = int(message["status"])
            present = {name.lower() for name, _ in message.get("headers", [])}
            added = [(k, v) for k, v in self.extra if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *added]}
        await self.send(message)


def _held(send: Send, fault: Fault | None) -> Send:
    """``send`` as the fault changes the real answer (``late``, ``cut``, ``truncate``)."""
    if fault is not None and fault.kind == "late":
        return _Late(send, fault.delay)
    if fault is not None and fault.kind in ("cut", "truncate"):
        return _Cutter(send, fault)
    return send


class _Late:
    """Sends the real answer ``delay`` seconds after it was ready (the ``late`` fault)."""

    def __init__(self, send: Send, delay: float) -> None:
        self.send = send
        self.delay = delay

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await asyncio.sleep(self.delay)
        await self.send(message)


class _Cutter:
    """Holds the real answer back, then sends it cut short (the ``cut`` and ``truncate`` faults).

    ``truncate`` sends the first ``keep`` of the body as a complete answer (its content-length
    made to match); ``cut`` sends the head as it was and that part of the body, then drops
    the connection, so the body ends before its content-length.
    """

    def __init__(self, send: Send, fault: Fault) -> None:
        self.send = send
        self.fault = fault
        self.start: Message | None = None
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body", False):
            return
        kept = bytes(self.body[: int(len(self.body) * self.fault.keep)])
        if self.fault.kind == "truncate":
            headers = [(k, v) for k, v in self.start.get("headers", []) if k != b"content-length"]
            headers.append((b"content-length", str(len(kept)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": kept})
            return
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": kept, "more_body": True})
        await drop_connection(self.send)
