"""Every API route needs a valid bearer token (401) and the endpoint's scopes (403)."""

from __future__ import annotations

from typing import Any

import httpx

from connector_front.sandbox.app import api_rows
from connector_front.sandbox.scopes import ENDPOINT_SCOPES


def test_missing_token_is_401_in_front_error_shape(anon: httpx.Client) -> None:
    answer = anon.get("/contacts")
    assert answer.status_code == 401
    error = answer.json()["_error"]
    assert error["status"] == 401
    assert error["title"]
    assert error["message"]


def test_unknown_token_and_other_schemes_are_401(api: Any, anon: httpx.Client) -> None:
    assert api("not-a-token").get("/me").status_code == 401
    answer = anon.get("/me", headers={"authorization": "Basic c2FuZGJveDp4"})
    assert answer.status_code == 401


def test_me_names_the_company(client: httpx.Client, server: Any) -> None:
    body = client.get("/me").json()
    assert body["id"] == "cmp_s001"
    assert body["name"] == "Larkspur Outfitters"
    assert body["_links"]["self"] == f"{server.url}/me"


def test_missing_scope_is_403_naming_it(client: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/config", json={"granted_scopes": ["contacts:read"]})
    assert client.get("/contacts").status_code == 200
    answer = client.post(
        "/contacts", json={"handles": [{"source": "email", "handle": "a@b.example"}]}
    )
    assert answer.status_code == 403
    error = answer.json()["_error"]
    assert "contacts:write" in error["message"]
    assert error["details"] == ["missing scope: contacts:write"]
    assert client.delete("/contacts/crd_s001").json()["_error"]["message"].count("contacts:delete")
    assert client.get("/contacts/custom_fields").status_code == 403


def test_scopes_apply_to_oauth_tokens_too(oauth: Any, api: Any, admin: httpx.Client) -> None:
    admin.post("/config", json={"granted_scopes": []})
    client = api(oauth.tokens()["access_token"])
    assert client.get("/me").status_code == 200  # the identity endpoint needs no scope
    assert client.get("/contacts").status_code == 403


def test_every_served_endpoint_has_a_scope_row() -> None:
    served = {(method, path) for method, path, _ in api_rows()}
    assert served == set(ENDPOINT_SCOPES)


def test_scope_table_agrees_with_the_spec(spec: Any) -> None:
    for (method, path), scopes in ENDPOINT_SCOPES.items():
        operation = spec.paths.get(path, {}).get(method.lower())
        assert operation is not None, f"{method} {path} is not in Front's spec"
        assert tuple(operation.get("x-required-scopes") or ()) == scopes, (method, path)
