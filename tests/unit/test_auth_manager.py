"""TokenManager: refresh ahead of expiry, single-flight, and the 401 path (fake token endpoint)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from connector_front.auth import (
    BearerAuth,
    MemoryStateStore,
    MemoryTokenStore,
    OAuthFlow,
    OAuthSettings,
    TokenManager,
    TokenSet,
)
from connector_front.errors import AuthorizationRequiredError, GrantRefusedError


class CountingFlow(OAuthFlow):
    """A flow whose token endpoint is a counter (the real exchange is tested over HTTP)."""

    def __init__(
        self, tokens: MemoryTokenStore, *, refuse: bool = False, dead: bool = False
    ) -> None:
        super().__init__(
            OAuthSettings.for_base_url(
                "https://f.example", client_id="c", client_secret="s", redirect_uri="https://h/cb"
            ),
            tokens,
            MemoryStateStore(),
        )
        self.refreshes = 0
        self.refuse = refuse
        self.dead = dead  # Front answers invalid_grant: the refresh token is dead
        self.meanwhile: TokenSet | None = None  # stored while the refresh is in flight

    async def request_refresh(self, owner_id: str, refresh_token: str) -> TokenSet:
        self.refreshes += 1
        await asyncio.sleep(0.01)
        if self.meanwhile is not None:
            await self.tokens.put(owner_id, self.meanwhile)
        if self.dead:
            raise GrantRefusedError(f"invalid_grant: re-authorize {owner_id}")
        if self.refuse:
            raise AuthorizationRequiredError(f"re-authorize {owner_id}")
        return TokenSet(f"access-{self.refreshes}", f"refresh-{self.refreshes}", 1e12)


async def test_twenty_callers_on_an_expired_token_share_one_refresh() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("old", "r0", expires_at=0.0))
    flow = CountingFlow(store)
    manager = TokenManager("o", flow, store)
    tokens = await asyncio.gather(*(manager.access_token() for _ in range(20)))
    assert set(tokens) == {"access-1"}
    assert flow.refreshes == 1


async def test_refresh_after_401_only_if_nobody_else_did() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("stale", "r0", expires_at=None))
    flow = CountingFlow(store)
    first, second = TokenManager("o", flow, store), TokenManager("o", flow, store)
    results = await asyncio.gather(
        first.refresh_after_401("stale"), second.refresh_after_401("stale")
    )
    assert results == ["access-1", "access-1"]
    assert flow.refreshes == 1


async def test_never_authorized_and_refused_refresh() -> None:
    store = MemoryTokenStore()
    manager = TokenManager("nobody", CountingFlow(store), store)
    with pytest.raises(AuthorizationRequiredError, match="never authorized"):
        await manager.access_token()
    await store.put("o", TokenSet("old", "r0", expires_at=0.0))
    refused = TokenManager("o", CountingFlow(store, refuse=True), store)
    with pytest.raises(AuthorizationRequiredError, match="re-authorize o"):
        await refused.access_token()
    await store.put("p", TokenSet("old", None, expires_at=0.0))
    no_refresh = TokenManager("p", CountingFlow(store), store)
    with pytest.raises(AuthorizationRequiredError, match="no refresh token") as caught:
        await no_refresh.access_token()
    assert "old" not in caught.value.message.split("'")  # no token value in the message


async def test_bearer_auth_refreshes_once_and_retries_once() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("stale", "r0", expires_at=None))
    flow = CountingFlow(store)
    auth = BearerAuth(TokenManager("o", flow, store))
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401 if request.headers["authorization"] == "Bearer stale" else 200)

    async with httpx.AsyncClient(auth=auth, transport=httpx.MockTransport(handler)) as http:
        assert (await http.get("https://f.example/me")).status_code == 200
    assert seen == ["Bearer stale", "Bearer access-1"]
    assert flow.refreshes == 1

    always_401: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        always_401.append(request.headers["authorization"])
        return httpx.Response(401)

    async with httpx.AsyncClient(auth=auth, transport=httpx.MockTransport(refuse)) as http:
        assert (await http.get("https://f.example/me")).status_code == 401
    assert len(always_401) == 2  # one retry, not a loop
    assert flow.refreshes == 2


def test_bearer_auth_is_async_only() -> None:
    store = MemoryTokenStore()
    auth = BearerAuth(TokenManager("o", CountingFlow(store), store))
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with (
        httpx.Client(auth=auth, transport=transport) as http,
        pytest.raises(RuntimeError, match="AsyncClient"),
    ):
        http.get("https://f.example/me")


async def test_a_refused_grant_is_marked_and_no_caller_asks_front_again() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("old", "r0", expires_at=0.0))
    flow = CountingFlow(store, dead=True)
    for manager in (TokenManager("o", flow, store), TokenManager("o", flow, store)):
        for _ in range(3):
            with pytest.raises(GrantRefusedError, match=r"(?i)re-authorize") as caught:
                await manager.access_token()
            assert caught.value.details == {"reason": "grant_refused"}
        with pytest.raises(GrantRefusedError):
            await manager.refresh_after_401("old")
    assert flow.refreshes == 1  # one token request learnt it; the mark told everyone else
    stored = await store.get("o")
    assert stored is not None and stored.refused_at is not None


async def test_a_refused_grant_serves_its_access_token_until_it_expires() -> None:
    now = [1000.0]
    store = MemoryTokenStore()
    await store.put("o", TokenSet("still-good", "r0", expires_at=1020.0, issued_at=930.0))
    flow = CountingFlow(store, dead=True)
    manager = TokenManager("o", flow, store, clock=lambda: now[0])
    assert await manager.access_token() == "still-good"  # refreshed ahead: refused, marked
    assert await manager.access_token() == "still-good"  # Front still takes it
    stored = await store.get("o")
    assert stored is not None and stored.refused_at == 1000.0
    now[0] = 1021.0  # expired
    with pytest.raises(GrantRefusedError, match="Re-authorize"):
        await manager.access_token()
    assert flow.refreshes == 1


async def test_a_new_authorization_stored_during_a_refused_refresh_wins() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("old", "r0", expires_at=0.0))
    flow = CountingFlow(store, dead=True)
    flow.meanwhile = TokenSet("authorized-again", "r9", expires_at=1e12)
    assert await TokenManager("o", flow, store).access_token() == "authorized-again"
    stored = await store.get("o")
    assert stored is not None and stored.refused_at is None


async def test_a_new_authorization_ends_the_refusal() -> None:
    store = MemoryTokenStore()
    await store.put("o", TokenSet("old", "r0", expires_at=0.0))
    flow = CountingFlow(store, dead=True)
    manager = TokenManager("o", flow, store)
    with pytest.raises(GrantRefusedError):
        await manager.access_token()
    await store.put("o", TokenSet("new", "r1", expires_at=0.0))
    flow.dead = False
    assert await manager.access_token() == "access-2"  # refreshed with the new grant
