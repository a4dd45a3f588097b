"""Nothing secret in reprs of settings and auth hooks."""

from __future__ import annotations

import pytest

from connector_front.auth import (
    BearerAuth,
    MemoryStateStore,
    MemoryTokenStore,
    OAuthFlow,
    OAuthSettings,
    StaticTokenAuth,
    TokenManager,
)

SECRET = "client-SECRET-value"
TOKEN = "api-TOKEN-value"


def _settings() -> OAuthSettings:
    return OAuthSettings.for_base_url(
        "https://front.example",
        client_id="cid",
        client_secret=SECRET,
        redirect_uri="https://host.example/cb",
    )


def test_oauth_settings_hide_the_secret() -> None:
    settings = _settings()
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert SECRET not in settings.model_dump_json()
    assert settings.client_secret.get_secret_value() == SECRET
    assert settings.token_url == "https://front.example/oauth/token"


def test_oauth_settings_refuse_blank_values() -> None:
    with pytest.raises(ValueError):
        OAuthSettings(
            client_id=" ",
            client_secret="x",
            redirect_uri="https://h/cb",  # type: ignore[arg-type]
        )


def test_auth_reprs_hide_tokens() -> None:
    static = StaticTokenAuth(TOKEN)
    assert TOKEN not in repr(static)
    assert TOKEN not in str(static)
    flow = OAuthFlow(_settings(), MemoryTokenStore(), MemoryStateStore())
    manager = TokenManager("owner-1", flow, flow.tokens)
    bearer = BearerAuth(manager)
    for shown in (repr(flow), repr(manager), repr(bearer)):
        assert SECRET not in shown
    assert "owner-1" in repr(bearer)


def test_static_token_auth_sets_the_bearer_header() -> None:
    import httpx

    request = httpx.Request("GET", "https://api2.frontapp.com/me")
    flow = StaticTokenAuth(TOKEN).sync_auth_flow(request)
    sent = next(flow)
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    with pytest.raises(ValueError):
        StaticTokenAuth("")


async def test_authorization_url_carries_client_one_time_state_and_pkce_challenge() -> None:
    import urllib.parse

    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    states = MemoryStateStore()
    flow = OAuthFlow(_settings(), MemoryTokenStore(), states)
    url = await flow.authorization_url("owner-7")
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://front.example/oauth/authorize"
    assert query["client_id"] == "cid"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "https://host.example/cb"
    assert SECRET not in url
    taken = await states.consume(query["state"])
    assert taken.owner_id == "owner-7" and taken.code_verifier
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == create_s256_code_challenge(taken.code_verifier)
    assert taken.code_verifier not in url
