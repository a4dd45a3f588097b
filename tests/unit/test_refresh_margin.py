"""The refresh margin scales with the token's lifetime: short-lived tokens are not refreshed
on every call (it used to be a fixed 60 s, longer than a 30 s token lives).
"""

from __future__ import annotations

import pytest

from connector_front.auth import MemoryTokenStore, TokenManager, TokenSet
from tests.clock import FakeClock
from tests.unit.test_auth_manager import CountingFlow


async def test_a_thirty_second_token_is_used_until_its_last_third(clock: FakeClock) -> None:
    store = MemoryTokenStore()
    issued = TokenSet.from_response({"access_token": "a0", "expires_in": 30}, now=1000.0)
    await store.put("o", issued)
    flow = CountingFlow(store)
    clock.now = 1001.0
    manager = TokenManager("o", flow, store, clock=clock)
    for now in (1001.0, 1010.0, 1019.0):
        clock.now = now
        assert await manager.access_token() == "a0"
    assert flow.refreshes == 0
    assert manager.margin(issued) == pytest.approx(10.0)
    await store.put("o", TokenSet("a0", "r0", expires_at=1030.0, issued_at=1000.0))
    clock.now = 1021.0  # 9 s left, inside the last third
    assert await manager.access_token() == "access-1"
    assert flow.refreshes == 1


def test_long_lived_and_unknown_lifetimes_keep_the_sixty_second_margin() -> None:
    manager = TokenManager("o", CountingFlow(MemoryTokenStore()), MemoryTokenStore())
    hour = TokenSet.from_response({"access_token": "a", "expires_in": 3600}, now=0.0)
    assert manager.margin(hour) == 60.0
    assert manager.margin(TokenSet("a", expires_at=100.0)) == 60.0
