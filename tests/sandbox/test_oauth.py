"""OAuth like Front's: authorize redirect, code exchange, refresh with rotation, expiry."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import httpx
import pytest

from connector_front.sandbox import SandboxConfig, SandboxServer
from tests.sandbox.conftest import app_config


def test_authorize_redirects_with_code_and_state(anon: httpx.Client) -> None:
    answer = anon.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "sandbox-client-id",
            "redirect_uri": "https://app.example/cb?tenant=7",
            "state": "s-123",
        },
    )
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert str(location).startswith("https://app.example/cb?tenant=7&")
    assert location.params["state"] == "s-123"
    assert location.params["code"]


GOOD_AUTHORIZE = {
    "response_type": "code",
    "client_id": "sandbox-client-id",
    "redirect_uri": "https://app.example/cb",
    "state": "s-1",
}
VERIFIER = "v" * 43 + "-pkce-verifier"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode()[:43]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"client_id": "someone-else"}, "invalid_client"),
        ({"redirect_uri": ""}, "invalid_request"),
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
        ({"redirect_uri": "https://app.example/cb/"}, "invalid_request"),
        ({"redirect_uri": "https://app.example/cb?tenant=8"}, "invalid_request"),
    ],
    ids=["unknown-client", "no-redirect", "foreign", "trailing-slash", "other-query"],
)
@pytest.mark.parametrize("consent", [False, True], ids=["approve-at-once", "consent-decision"])
def test_a_request_to_an_unregistered_redirect_uri_gets_a_page_and_no_redirect(
    anon: httpx.Client, params: dict[str, str], error: str, consent: bool
) -> None:
    query = {**GOOD_AUTHORIZE, **params}
    if consent:
        answer = anon.post("/oauth/authorize", data={**query, "decision": "allow"})
    else:
        answer = anon.get("/oauth/authorize", params=query)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert answer.headers["content-type"].startswith("text/html")
    assert error in answer.text and "code=" not in answer.text


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": CHALLENGE, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": CHALLENGE}, "invalid_request"),  # no method: plain, not supported
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
    ids=["token-response", "plain-pkce", "no-method", "short-challenge", "method-alone"],
)
def test_other_faults_of_a_request_go_back_to_the_registered_uri(
    anon: httpx.Client, params: dict[str, str], error: str
) -> None:
    answer = anon.get("/oauth/authorize", params={**GOOD_AUTHORIZE, **params})
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert str(location).startswith("https://app.example/cb?")
    assert location.params["error"] == error and location.params["state"] == "s-1"
    assert location.params["error_description"] and "code" not in location.params


def test_registered_redirect_uris_are_a_runtime_setting(
    anon: httpx.Client, admin: httpx.Client
) -> None:
    query = {**GOOD_AUTHORIZE, "redirect_uri": "http://127.0.0.1:7000/cb"}
    assert anon.get("/oauth/authorize", params=query).status_code == 400
    uris = [*admin.get("/config").json()["redirect_uris"], "http://127.0.0.1:7000/cb"]
    assert admin.post("/config", json={"redirect_uris": uris}).status_code == 200
    assert anon.get("/oauth/authorize", params=query).status_code == 302
    for bad in (["not a url"], "http://127.0.0.1:7000/cb", [7]):
        assert admin.post("/config", json={"redirect_uris": bad}).status_code == 400


def test_the_default_app_registers_the_reference_hosts_callback() -> None:
    assert SandboxConfig().redirect_uris == ["http://127.0.0.1:8000/oauth/callback"]


def _pkce_code(anon: httpx.Client, challenge: str | None = CHALLENGE) -> str:
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"} if challenge else {}
    answer = anon.get("/oauth/authorize", params={**GOOD_AUTHORIZE, **extra})
    assert answer.status_code == 302, answer.text
    return str(httpx.URL(answer.headers["location"]).params["code"])


def _exchange(anon: httpx.Client, code: str, verifier: str | None) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "https://app.example/cb"}
    if verifier is not None:
        form["code_verifier"] = verifier
    return anon.post("/oauth/token", data=form, auth=("sandbox-client-id", "sandbox-client-secret"))


@pytest.mark.parametrize(
    ("verifier", "words"),
    [(None, "code_verifier is required"), ("w" * 43, "does not match")],
    ids=["no-verifier", "wrong-verifier"],
)
def test_a_code_issued_with_a_challenge_needs_its_verifier(
    anon: httpx.Client, verifier: str | None, words: str
) -> None:
    code = _pkce_code(anon)
    refused = _exchange(anon, code, verifier)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert words in refused.json()["error_description"]
    assert _exchange(anon, code, VERIFIER).status_code == 200  # a refused try leaves it unused


def test_a_verifier_for_a_code_without_a_challenge_is_refused(anon: httpx.Client) -> None:
    refused = _exchange(anon, _pkce_code(anon, challenge=None), VERIFIER)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert "without code_challenge" in refused.json()["error_description"]


def test_the_consent_page_carries_the_challenge_to_the_decision(
    anon: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/config", json={"interactive_consent": True}).raise_for_status()
    try:
        query = {**GOOD_AUTHORIZE, "code_challenge": CHALLENGE, "code_challenge_method": "S256"}
        page = anon.get("/oauth/authorize", params=query)
        assert f'name="code_challenge" value="{CHALLENGE}"' in page.text
        answer = anon.post("/oauth/authorize", data={**query, "decision": "allow"})
    finally:
        admin.post("/config", json={"interactive_consent": False})
    code = httpx.URL(answer.headers["location"]).params["code"]
    assert _exchange(anon, code, None).status_code == 400
    assert _exchange(anon, code, VERIFIER).status_code == 200


def test_code_exchange_answers_front_token_body(oauth: Any) -> None:
    before = time.time()
    answer = oauth.exchange(oauth.authorize())
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert set(body) >= {"access_token", "refresh_token", "token_type", "expires_at", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert before + 3600 - 1 <= body["expires_at"] <= time.time() + 3600 + 1


def test_client_credentials_in_form_body_are_accepted(oauth: Any, anon: httpx.Client) -> None:
    code = oauth.authorize()
    answer = anon.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": oauth.redirect_uri,
            "client_id": oauth.client_id,
            "client_secret": oauth.client_secret,
        },
    )
    assert answer.status_code == 200, answer.text


def test_wrong_client_secret_is_401_invalid_client(oauth: Any, anon: httpx.Client) -> None:
    answer = anon.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": oauth.authorize()},
        auth=(oauth.client_id, "not-the-s3cret"),
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert "not-the-s3cret" not in answer.text


def test_code_is_single_use(oauth: Any) -> None:
    code = oauth.authorize()
    assert oauth.exchange(code).status_code == 200
    again = oauth.exchange(code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match(oauth: Any) -> None:
    answer = oauth.exchange(oauth.authorize(), redirect_uri="https://evil.example/cb")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_unsupported_grant_type(oauth: Any, anon: httpx.Client) -> None:
    answer = anon.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(oauth.client_id, oauth.client_secret),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_access_token_works_on_the_api(oauth: Any, api: Any) -> None:
    tokens = oauth.tokens()
    assert api(tokens["access_token"]).get("/me").status_code == 200


def test_refresh_rotates_and_refuses_the_old_refresh_token(
    oauth: Any, api: Any, admin: httpx.Client
) -> None:
    first = oauth.tokens()
    renewed = oauth.refresh(first["refresh_token"])
    assert renewed.status_code == 200
    second = renewed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert api(second["access_token"]).get("/me").status_code == 200
    reused = oauth.refresh(first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert oauth.refresh(second["refresh_token"]).status_code == 200
    stats = admin.get("/stats").json()
    assert stats["grants"] == {"authorization_code": 1, "refresh_token": 2}
    assert stats["refused"] == {"refresh_token": {"invalid_grant": 1}}  # the reused one
    # two holders of the first token: its successor was used (a client's race)
    assert stats["reused_refresh_tokens"] == {"successor_used": 1, "successor_unused": 0}


def test_a_rotated_token_never_used_marks_its_predecessor_reuse_as_lost(
    oauth: Any, admin: httpx.Client
) -> None:
    first = oauth.tokens()
    assert oauth.refresh(first["refresh_token"]).status_code == 200  # its answer is "lost"
    assert oauth.refresh(first["refresh_token"]).json()["error"] == "invalid_grant"
    reused = admin.get("/stats").json()["reused_refresh_tokens"]
    assert reused == {"successor_used": 0, "successor_unused": 1}


def test_without_rotation_the_refresh_token_stays(oauth: Any) -> None:
    config = app_config(rotate_refresh_tokens=False)
    with SandboxServer(config) as server, httpx.Client(base_url=server.url) as http:
        flow = type(oauth)(http)
        first = flow.tokens()
        again = flow.refresh(first["refresh_token"]).json()
        assert again["refresh_token"] == first["refresh_token"]
        assert flow.refresh(first["refresh_token"]).status_code == 200


def test_revoked_refresh_tokens_are_refused(oauth: Any, admin: httpx.Client) -> None:
    tokens = oauth.tokens()
    assert admin.post("/tokens/revoke").json() == {"revoked": 1}
    answer = oauth.refresh(tokens["refresh_token"])
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_access_token_expires_after_its_ttl(oauth: Any, api: Any, admin: httpx.Client) -> None:
    admin.post("/config", json={"access_token_ttl": 600})
    tokens = oauth.tokens()
    assert tokens["expires_in"] == 600
    client = api(tokens["access_token"])
    admin.post("/clock", json={"advance": 300})
    assert client.get("/me").status_code == 200
    admin.post("/clock", json={"advance": 300})
    expired = client.get("/me")
    assert expired.status_code == 401
    assert "expired" in expired.json()["_error"]["message"]
    fresh = oauth.refresh(tokens["refresh_token"]).json()
    assert api(fresh["access_token"]).get("/me").status_code == 200


def test_admin_expire_makes_tokens_401_at_once(oauth: Any, api: Any, admin: httpx.Client) -> None:
    client = api(oauth.tokens()["access_token"])
    assert admin.post("/tokens/expire").json() == {"expired": 1}
    assert client.get("/me").status_code == 401
    assert api("sandbox-api-token").get("/me").status_code == 200


def test_tokens_never_reach_the_journal_or_reprs(
    oauth: Any, api: Any, admin: httpx.Client, server: SandboxServer
) -> None:
    tokens = oauth.tokens()
    api(tokens["access_token"]).get("/me")
    journal = admin.get("/requests").text + admin.get("/stats").text + admin.get("/config").text
    texts = [journal, repr(server.state), repr(server.config), repr(server.state.tokens)]
    secrets = [tokens["access_token"], tokens["refresh_token"], "sandbox-client-secret"]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert "sandbox-api-token" not in repr(server.config)


def _authorize_params(state: str = "s-9") -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "sandbox-client-id",
        "redirect_uri": "https://app.example/cb",
        "state": state,
    }


@pytest.fixture
def consenting() -> Any:
    config = app_config(interactive_consent=True, app_name="Acme <CRM>")
    with SandboxServer(config) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def test_interactive_consent_shows_a_page_with_allow_and_deny(consenting: httpx.Client) -> None:
    answer = consenting.get("/oauth/authorize", params=_authorize_params())
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "Acme &lt;CRM&gt;" in answer.text and "<CRM>" not in answer.text
    assert 'value="allow"' in answer.text and 'value="deny"' in answer.text
    assert 'name="state" value="s-9"' in answer.text


def test_allow_redirects_with_a_code_that_redeems(consenting: httpx.Client) -> None:
    answer = consenting.post("/oauth/authorize", data={**_authorize_params(), "decision": "allow"})
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert location.params["state"] == "s-9"
    token = consenting.post(
        "/oauth/token",
        auth=("sandbox-client-id", "sandbox-client-secret"),
        data={
            "grant_type": "authorization_code",
            "code": location.params["code"],
            "redirect_uri": "https://app.example/cb",
        },
    )
    assert token.status_code == 200, token.text


def test_deny_redirects_with_access_denied_and_no_code(consenting: httpx.Client) -> None:
    answer = consenting.post("/oauth/authorize", data={**_authorize_params(), "decision": "deny"})
    assert answer.status_code == 302
    location = httpx.URL(answer.headers["location"])
    assert location.params["error"] == "access_denied"
    assert location.params["state"] == "s-9"
    assert "code" not in location.params


def test_a_decision_for_another_client_is_refused(consenting: httpx.Client) -> None:
    data = {**_authorize_params(), "client_id": "someone-else", "decision": "allow"}
    answer = consenting.post("/oauth/authorize", data=data)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "invalid_client" in answer.text


def test_interactive_consent_is_a_runtime_setting(anon: httpx.Client, admin: httpx.Client) -> None:
    assert admin.get("/config").json()["interactive_consent"] is False
    assert admin.post("/config", json={"interactive_consent": True}).status_code == 200
    try:
        page = anon.get("/oauth/authorize", params=_authorize_params())
        assert page.status_code == 200 and "Allow" in page.text
    finally:
        admin.post("/config", json={"interactive_consent": False})
    assert anon.get("/oauth/authorize", params=_authorize_params()).status_code == 302
    assert admin.post("/config", json={"interactive_consent": "yes"}).status_code == 400


def _tokens(client: httpx.Client) -> dict[str, Any]:
    location = httpx.URL(
        client.get("/oauth/authorize", params=_authorize_params()).headers["location"]
    )
    answer = client.post(
        "/oauth/token",
        auth=("sandbox-client-id", "sandbox-client-secret"),
        data={
            "grant_type": "authorization_code",
            "code": location.params["code"],
            "redirect_uri": "https://app.example/cb",
        },
    )
    body: dict[str, Any] = answer.json()
    return body


def test_revoke_stops_an_access_token_and_a_refresh_token(anon: httpx.Client) -> None:
    tokens = _tokens(anon)
    bearer = {"authorization": f"Bearer {tokens['access_token']}"}
    assert anon.get("/me", headers=bearer).status_code == 200
    auth = ("sandbox-client-id", "sandbox-client-secret")
    for name in ("access_token", "refresh_token"):
        answer = anon.post("/oauth/revoke", auth=auth, data={"token": tokens[name]})
        assert answer.status_code == 200
    assert anon.get("/me", headers=bearer).status_code == 401
    refreshed = anon.post(
        "/oauth/token",
        auth=auth,
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.json()["error"] == "invalid_grant"
    # an unknown token is not an error (RFC 7009 2.2); a wrong client is
    assert anon.post("/oauth/revoke", auth=auth, data={"token": "nope"}).status_code == 200
    wrong = anon.post("/oauth/revoke", auth=("sandbox-client-id", "x"), data={"token": "nope"})
    assert wrong.status_code == 401


def test_the_sandbox_answers_whether_it_issued_a_value_without_listing_any(
    oauth: Any, server: SandboxServer
) -> None:
    from connector_front.sandbox.tokens import issued_by_a_sandbox

    state = "state-" + "q" * 30
    code = oauth.authorize(state=state)
    tokens = oauth.exchange(code).json()
    for value in (code, state, tokens["access_token"], tokens["refresh_token"]):
        assert issued_by_a_sandbox(value)
        assert value not in repr(server.state.tokens)
    assert not issued_by_a_sandbox("sbx_at_never-issued")
    assert not issued_by_a_sandbox(server.config.client_secret)
