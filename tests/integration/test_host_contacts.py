"""The reference host over real HTTP, on a sandbox Front, the connector loaded by entry point."""

from __future__ import annotations

import httpx

from tests.conftest import Host


def test_manifest_lists_contact_operations_with_scopes(host: Host) -> None:
    with host.client() as http:
        manifest = http.get("/connectors/front").json()
    contact = next(m for m in manifest["models"] if m["model"] == "genericContact")
    scopes = {op["operation"]: op["scopes"] for op in contact["operations"]}
    assert scopes["list"] == ["contacts:read"]
    assert scopes["delete"] == ["contacts:delete"]
    assert scopes["update"] == ["contacts:read", "contacts:write"]


def test_five_contact_operations_over_http(host: Host) -> None:
    with host.client() as http:
        listed = http.get("/resources/genericContact", params={"limit": 2})
        assert listed.status_code == 200, listed.text
        page = listed.json()
        assert page["object"] == "list" and len(page["data"]) == 2 and page["next"]
        assert all(
            r["object"] == "resource" and r["model"] == "genericContact" for r in page["data"]
        )

        created = http.post(
            "/resources/genericContact",
            json={
                "fields": {
                    "firstName": "Lin",
                    "lastName": "Qiu",
                    "email": "lin@qiu.example",
                    "tier": "Bronze",
                }
            },
        )
        assert created.status_code == 201, created.text
        record = created.json()
        assert record["fields"]["email"] == "lin@qiu.example"
        assert record["fields"]["tier"] == "Bronze"

        updated = http.patch(
            f"/resources/genericContact/{record['id']}", json={"fields": {"lastName": "Qiu-Li"}}
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["fields"]["lastName"] == "Qiu-Li"
        assert updated.json()["fields"]["tier"] == "Bronze"  # untouched custom field kept

        fetched = http.get(f"/resources/genericContact/{record['id']}", params={"raw": "true"})
        assert fetched.status_code == 200
        assert fetched.json()["rawResource"]["id"] == record["id"]

        deleted = http.delete(f"/resources/genericContact/{record['id']}")
        assert deleted.status_code == 204
        gone = http.get(f"/resources/genericContact/{record['id']}")
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "not_found"


def test_invalid_input_is_a_400_with_field_paths(host: Host) -> None:
    with host.client() as http:
        answer = http.post(
            "/resources/genericContact", json={"fields": {"email": "nope", "shoeSize": 44}}
        )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    assert sorted(error["details"]["fields"]) == ["fields.email", "fields.shoeSize"]


def test_create_without_a_handle_names_both_fields(host: Host) -> None:
    with host.client() as http:
        answer = http.post("/resources/genericContact", json={"fields": {"firstName": "No"}})
    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["fields"] == ["fields.email", "fields.phoneNumber"]


def test_unknown_model_is_a_404_naming_the_known_ones(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/resources/genericUnicorn")
    assert answer.status_code == 404
    assert "genericContact" in answer.json()["error"]["message"]


def test_missing_owner_header_is_a_clear_400(host: Host) -> None:
    with host.client(owner=None) as http:
        answer = http.get("/resources/genericContact")
    assert answer.status_code == 400
    assert "x-owner-id" in answer.json()["error"]["message"]


def test_unauthorized_owner_is_a_401(host: Host) -> None:
    with host.client(owner="stranger") as http:
        answer = http.get("/resources/genericContact")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "authorization_required"


def test_bad_json_body_is_a_400(host: Host) -> None:
    with host.client() as http:
        answer = http.post(
            "/resources/genericContact",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["fields"] == ["body"]


def test_connection_then_oauth_callback(host: Host) -> None:
    with host.client() as http:
        created = http.post("/connections/newco", json={"operations": ["genericContact::list"]})
        assert created.status_code == 200, created.text
        body = created.json()
        assert body["requiredScopes"] == ["contacts:read"]
        redirect = httpx.get(body["authorizationUrl"], follow_redirects=False)
        callback = httpx.URL(redirect.headers["location"])
        done = http.get("/oauth/callback", params=dict(callback.params))
        assert done.status_code == 200, done.text
        assert done.json() == {"ownerId": "newco", "authorized": True}
        reused = http.get("/oauth/callback", params=dict(callback.params))
        assert reused.status_code in (400, 401)
        listed = http.get("/resources/genericContact", headers={"x-owner-id": "newco"})
        assert listed.status_code == 200
        refused = http.delete(
            f"/resources/genericContact/{listed.json()['data'][0]['id']}",
            headers={"x-owner-id": "newco"},
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "operation_not_granted"


def test_proxy_reaches_front_with_auth_added(host: Host) -> None:
    with host.client() as http:
        answer = http.get("/proxy/contacts", params={"limit": 1})
        assert answer.status_code == 200
        assert len(answer.json()["_results"]) == 1
        assert "x-ratelimit-remaining" in answer.headers
        missing = http.get("/proxy/contacts/crd_doesnotexist")
        assert missing.status_code == 404  # Front's own answer, passed through
        assert "_error" in missing.json()
