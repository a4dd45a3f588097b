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
from connector_front.errors import AuthorizationRequiredError


class CountingFlow(OAuthFlow):
    """A flow whose token endpoint is a counter (the real exchange is tested over HTTP)."""

    def __init__(self, tokens: MemoryTokenStore, *, refuse: bool = False) -> None:
        super().__init__(
            OAuthSettings.for_base_url(
                "https://f.example", client_id="c", client_secret="s", redirect_uri="https://h/cb"
            ),
            tokens,
            MemoryStateStore(),
        )
        self.refreshes = 0
        self.refuse = refuse

    async def request_refresh(self, owner_id: str, refresh_token: str) -> TokenSet:
        self.refreshes += 1
        await asyncio.sleep(0.01)
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
