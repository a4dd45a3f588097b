"""httpx auth hooks that put Front credentials on requests; reprs never show a token."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from connector_front.auth.manager import TokenManager


class BearerAuth(httpx.Auth):
    """OAuth bearer token from a :class:`TokenManager`; on a 401 refreshes once, retries once."""

    reauthorize_hint = "Re-authorize the Front connection"

    def __init__(self, manager: TokenManager) -> None:
        self.manager = manager
        self.reauthorize_hint = f"Re-authorize the Front connection for owner {manager.owner_id!r}"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("BearerAuth refreshes tokens asynchronously; use httpx.AsyncClient")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.manager.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        fresh = await self.manager.refresh_after_401(token)
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request

    def __repr__(self) -> str:
        return f"BearerAuth(owner_id={self.manager.owner_id!r})"


class StaticTokenAuth(httpx.Auth):
    """Front API-token mode: a fixed bearer token, never refreshed."""

    reauthorize_hint = "The Front API token is invalid or was revoked; configure a valid API token"
    api_token = True
    """Read by the transport to word a 403 for a token (not an OAuth app)."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("StaticTokenAuth needs a non-empty API token")
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "StaticTokenAuth(token=<hidden>)"
