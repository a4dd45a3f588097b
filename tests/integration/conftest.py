"""Integration fixtures: a sandbox Front served over real loopback HTTP.

``sandbox`` (in tests/conftest.py) is one server per module, reset before each test.
Override ``sandbox_config`` in a module (or parametrize it indirectly) to reset it to
other settings; ``sandbox_admin`` steers it through ``/_sandbox/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connector_front.sandbox import SandboxServer
from tests.clock import SandboxTime
from tests.conftest import Host, HostFactory
from tests.integration.connect_support import KEY, Browser


class SandboxAdmin:
    """A thin client of the sandbox's control surface (faults, stats, token expiry)."""

    def __init__(self, base_url: str) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=10.0)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Any ``/_sandbox`` route, e.g. ``call("POST", "/conversations/merge", {...})``."""
        response = self._http.request(method, f"/_sandbox{path}", json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def fault(self, **spec: Any) -> Any:
        return self.call("POST", "/faults", spec)

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "/stats")
        return result

    def requests(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call("GET", "/requests")
        return result

    def clear_requests(self) -> None:
        self.call("DELETE", "/requests")

    def expire_tokens(self) -> Any:
        return self.call("POST", "/tokens/expire")

    def revoke_tokens(self) -> Any:
        return self.call("POST", "/tokens/revoke")

    def advance_clock(self, seconds: float) -> Any:
        """Move the sandbox's clock ahead: its tokens expire and its windows pass at once."""
        return self.call("POST", "/clock", {"advance": seconds})

    def configure(self, **settings: Any) -> Any:
        return self.call("POST", "/config", settings)

    def close(self) -> None:
        self._http.close()


@pytest.fixture
def sandbox_admin(sandbox: SandboxServer) -> Iterator[SandboxAdmin]:
    admin = SandboxAdmin(sandbox.url)
    yield admin
    admin.close()


@pytest.fixture
def sandbox_time(sandbox: SandboxServer) -> SandboxTime:
    return SandboxTime(sandbox)


async def play_customer(authorization_url: str) -> tuple[str, str]:
    """Open an authorization URL as the customer would; the (code, state) Front redirects with."""
    from urllib.parse import parse_qs, urlsplit

    async with httpx.AsyncClient(follow_redirects=False, timeout=10.0) as browser:
        answer = await browser.get(authorization_url)
    assert answer.status_code in (301, 302, 303, 307), answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return query["code"][0], query["state"][0]


@pytest.fixture
def customer() -> Any:
    """``await customer(authorization_url)`` -> (code, state), approving like the customer."""
    return play_customer


@pytest.fixture
def secured(make_host: HostFactory) -> Iterator[Host]:
    """A host with a key (``KEY``) on the module's sandbox, owner ``acme`` authorized."""
    with make_host(host_key=KEY) as host:
        yield host


@pytest.fixture
def browser(secured: Host) -> Iterator[Browser]:
    """A customer's browser on ``secured``'s connect page."""
    opened = Browser(secured)
    yield opened
    opened.close()


@pytest.fixture
def sandbox_consent(secured: Host) -> Iterator[None]:
    """The sandbox shows its consent page (Allow / Deny) instead of approving at once."""
    config = f"{secured.sandbox_url}/_sandbox/config"
    httpx.post(config, json={"interactive_consent": True}, timeout=10).raise_for_status()
    yield
    httpx.post(config, json={"interactive_consent": False}, timeout=10).raise_for_status()
