"""Virtual time for concurrent clients of a frozen sandbox clock.

A waiting task does not move the clock at once (that would age the requests other tasks
have in flight); the clock moves, to the earliest wake-up, only once no request is in
flight and every task is waiting. So elapsed time is what the waits made, as on a real clock
with instant answers, and concurrent waits overlap instead of adding up.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from connector_front.sandbox import SandboxServer

SETTLE = 0.002
"""Real seconds without activity after which everyone is taken to be waiting."""


class VirtualTime:
    """``clock`` / ``sleep`` for pacers and clients; ``transport`` counts requests in flight."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self._clock = sandbox.state.clock
        self.start = self._clock.freeze()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self.in_flight = 0
        self._driver: asyncio.Task[None] | None = None
        self._slept = asyncio.Event()

    def clock(self) -> float:
        return self._clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self.start

    @property
    def sleeping(self) -> int:
        """Tasks waiting on this clock now."""
        return len(self._sleepers)

    async def until_sleeping(self, count: int) -> None:
        """Let other tasks run until ``count`` of them wait on this clock (hold the clock with
        :meth:`busy` meanwhile, so it does not move them on)."""
        while len(self._sleepers) < count:
            self._slept.clear()
            await self._slept.wait()

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        wake = self.clock() + max(0.0, seconds)
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        self._slept.set()
        if self._driver is None or self._driver.done():
            self._driver = asyncio.create_task(self._drive())
        await future

    async def _drive(self) -> None:
        while self._sleepers:
            await asyncio.sleep(SETTLE)
            if self.in_flight:
                continue
            target, _, future = heapq.heappop(self._sleepers)
            ahead = target - self.clock()
            if ahead > 0:
                self._clock.advance(ahead)
            future.set_result(None)

    def transport(self) -> httpx.AsyncBaseTransport:
        return _Counting(self)

    @asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Work (a database write) the clock must not move during, like a request."""
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1


class _Counting(httpx.AsyncHTTPTransport):
    def __init__(self, time: VirtualTime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._time = time

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._time.in_flight += 1
        try:
            response = await super().handle_async_request(request)
            await response.aread()
            return response
        finally:
            self._time.in_flight -= 1
