"""The suites' fake time: a clock tests move by hand, and the sandbox Front's clock lent to the
connector; the sleeps of either move it instead of waiting."""

from __future__ import annotations

from connector_front.sandbox import SandboxServer


class FakeClock:
    """Call it for the time. ``sleep`` (async) and ``advance`` (sync) move it on and keep what
    was slept; with ``tick``, every reading also moves it on by that much (each turn of the
    event loop that code measures then looks ``tick`` long)."""

    def __init__(self, now: float = 1_700_000_000.0, *, tick: float = 0.0) -> None:
        self.now = now
        self.tick = tick
        self.slept: list[float] = []

    def __call__(self) -> float:
        self.now += self.tick
        return self.now

    def advance(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)


class SandboxTime:
    """The sandbox's clock lent to the connector: ``sleep`` records a wait and advances the
    clock by it, so retry-after pauses and rate-limit windows pass without real waiting."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self.clock = sandbox.state.clock
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)
