"""OAuth against the sandbox over loopback HTTP, tokens in a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connector_front.auth import (
    DatabaseStateStore,
    DatabaseTokenStore,
    OAuthFlow,
    OAuthSettings,
    OAuthStateError,
    TokenManager,
)
from connector_front.errors import AuthorizationRequiredError, ConfigurationError
from connector_front.sandbox import SandboxServer
from tests.conftest import CALLBACK
from tests.limits import loose

REDIRECT = CALLBACK


@pytest.fixture
def make_flow(sandbox: SandboxServer, databases: Any) -> Callable[..., OAuthFlow]:
    """``make_flow(db, secret=..., http=...)``: a flow on the sandbox, stores in file ``db``."""

    def make(db: Path, *, secret: str | None = None, **kwargs: Any) -> OAuthFlow:
        settings = OAuthSettings.for_base_url(
            sandbox.url,
            client_id=sandbox.config.client_id,
            client_secret=secret or sandbox.config.client_secret,
            redirect_uri=REDIRECT,
        )
        tokens = DatabaseTokenStore(databases(db))
        return OAuthFlow(settings, tokens, DatabaseStateStore(databases(db)), **kwargs)

    return make


async def test_code_exchange_and_rotating_refresh_are_persisted(
    make_flow: Any, databases: Any, sandbox_admin: Any, customer: Any, tmp_path: Path
) -> None:
    db = tmp_path / "connector.sqlite3"
    flow = make_flow(db)
    url = await flow.authorization_url("owner-1")
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == [REDIRECT]
    code, state = await customer(url)
    pending, tokens = await flow.complete(code, state)
    assert pending.owner_id == "owner-1"
    assert tokens.refresh_token and tokens.expires_at

    stored = await DatabaseTokenStore(databases(db)).get("owner-1")  # another connection
    assert stored == tokens

    await TokenManager("owner-1", flow, flow.tokens).refresh_after_401(tokens.access_token)
    fresh = await DatabaseTokenStore(databases(db)).get("owner-1")
    assert fresh and fresh.refresh_token and fresh.refresh_token != tokens.refresh_token
    assert fresh.access_token != tokens.access_token  # rotated, and stored
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM oauth_tokens").fetchone()
    assert count == 1

    # the rotated-away refresh token is dead at Front: using it means re-authorizing
    with pytest.raises(AuthorizationRequiredError, match=r"Re-authorize .*'owner-1'") as caught:
        await flow.request_refresh("owner-1", tokens.refresh_token)
    assert tokens.refresh_token not in caught.value.message
    assert sandbox_admin.stats()["grants"] == {"authorization_code": 1, "refresh_token": 1}


async def test_reused_and_unknown_state_are_refused_before_any_exchange(
    make_flow: Any, sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    code, state = await customer(await flow.authorization_url("owner-2"))
    await flow.complete(code, state)
    with pytest.raises(OAuthStateError, match="already used"):
        await flow.complete(code, state)
    with pytest.raises(OAuthStateError, match="unknown"):
        await flow.complete(code, "forged-state")
    assert sandbox_admin.stats()["grants"]["authorization_code"] == 1


async def test_state_from_another_database_is_unknown(
    make_flow: Any, sandbox: SandboxServer, customer: Any, tmp_path: Path
) -> None:
    code, state = await customer(await make_flow(tmp_path / "a.sqlite3").authorization_url("o"))
    with pytest.raises(OAuthStateError, match="unknown"):
        await make_flow(tmp_path / "b.sqlite3").complete(code, state)


async def test_revoked_refresh_token_requires_reauthorization(
    make_flow: Any, sandbox: SandboxServer, sandbox_admin: Any, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    _, tokens = await flow.complete(*await customer(await flow.authorization_url("owner-3")))
    sandbox_admin.revoke_tokens()
    assert tokens.refresh_token
    with pytest.raises(AuthorizationRequiredError) as caught:
        await flow.request_refresh("owner-3", tokens.refresh_token)
    message = caught.value.message
    assert "Re-authorize the Front connection for owner 'owner-3'" in message
    assert "invalid_grant" in message
    assert tokens.refresh_token not in message and tokens.access_token not in message


async def test_wrong_client_secret_is_a_configuration_error(
    make_flow: Any, sandbox: SandboxServer, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3", secret="not-the-secret")
    code, state = await customer(await flow.authorization_url("owner-4"))
    with pytest.raises(ConfigurationError, match="invalid_client") as caught:
        await flow.complete(code, state)
    assert "not-the-secret" not in caught.value.message


async def test_bad_code_is_refused(make_flow: Any, tmp_path: Path) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    url = await flow.authorization_url("owner-5")
    state = parse_qs(urlsplit(url).query)["state"][0]
    with pytest.raises(AuthorizationRequiredError, match="invalid_grant"):
        await flow.complete("made-up-code", state)


async def test_token_requests_go_through_a_supplied_http_client(
    make_flow: Any, sandbox: SandboxServer, customer: Any, tmp_path: Path
) -> None:
    seen: list[str] = []

    async def note(request: httpx.Request) -> None:
        basic = request.headers["authorization"].startswith("Basic ")
        seen.append(f"{request.method} {request.url.path} basic={basic}")

    async with httpx.AsyncClient(event_hooks={"request": [note]}) as http:
        flow = make_flow(tmp_path / "c.sqlite3", http=http)
        await flow.complete(*await customer(await flow.authorization_url("owner-6")))
    assert seen == ["POST /oauth/token basic=True"]


@pytest.mark.parametrize(
    "sandbox_config", [loose(rotate_refresh_tokens=False)], indirect=True
)
async def test_refresh_without_rotation_keeps_the_refresh_token(
    make_flow: Any, sandbox: SandboxServer, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    _, tokens = await flow.complete(*await customer(await flow.authorization_url("owner-7")))
    assert tokens.refresh_token
    fresh = await flow.request_refresh("owner-7", tokens.refresh_token)
    assert fresh.refresh_token == tokens.refresh_token


async def test_a_code_issued_for_one_owner_is_refused_with_another_owners_state(
    make_flow: Any, sandbox_admin: Any, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    code_a, _ = await customer(await flow.authorization_url("owner-a"))
    _, state_b = await customer(await flow.authorization_url("owner-b"))
    with pytest.raises(AuthorizationRequiredError, match="code_verifier does not match"):
        await flow.complete(code_a, state_b)
    assert await flow.tokens.get("owner-b") is None and await flow.tokens.get("owner-a") is None
    assert sandbox_admin.stats()["grants"] == {"authorization_code": 0, "refresh_token": 0}


async def test_a_bound_authorization_completes_only_with_its_binding(
    make_flow: Any, customer: Any, tmp_path: Path
) -> None:
    flow = make_flow(tmp_path / "c.sqlite3")
    code, state = await customer(await flow.authorization_url("owner-8", binding="browser-1"))
    with pytest.raises(OAuthStateError, match="not come from the browser that started"):
        await flow.complete(code, state, binding="browser-2")
    pending, tokens = await flow.complete(code, state, binding="browser-1")
    assert pending.owner_id == "owner-8" and tokens.access_token
