"""The contract harness can fail: Prism on Front's spec accepts valid requests, rejects bad ones."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

pytestmark = pytest.mark.contract

AssertAccepted = Callable[[httpx.Response], None]
VALID_CONTACT = {
    "name": "Dwight Schrute",
    "handles": [{"handle": "dwight@limitlesspaper.com", "source": "email"}],
}


def test_valid_contact_create_is_accepted(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    response = prism_client.post("/contacts", json=VALID_CONTACT)
    assert_accepted(response)
    assert response.status_code == 201
    assert response.json()["id"].startswith("crd_")


def test_bad_handle_source_gets_422_and_fails_the_check(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    body = {**VALID_CONTACT, "handles": [{"handle": "dwight", "source": "carrier_pigeon"}]}
    response = prism_client.post("/contacts", json=body)
    assert response.status_code == 422
    assert response.json()["validation"][0]["location"] == ["body", "handles", "0", "source"]
    with pytest.raises(
        pytest.fail.Exception, match=r"POST /contacts: 422[\s\S]*handles\.0\.source"
    ):
        assert_accepted(response)


def test_missing_required_handles_gets_422(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    response = prism_client.post("/contacts", json={"name": "No Handles"})
    assert response.status_code == 422
    with pytest.raises(pytest.fail.Exception, match="required property 'handles'"):
        assert_accepted(response)


def test_list_contacts_with_limit_is_accepted(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    response = prism_client.get("/contacts", params={"limit": 50})
    assert_accepted(response)
    assert response.status_code == 200
    assert isinstance(response.json()["_results"], list)


def test_limit_above_spec_maximum_is_rejected(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    response = prism_client.get("/contacts", params={"limit": 500})
    with pytest.raises(pytest.fail.Exception, match=r"query\.limit: .*<= 100"):
        assert_accepted(response)


def test_unknown_path_is_rejected(
    prism_client: httpx.Client, assert_accepted: AssertAccepted
) -> None:
    response = prism_client.get("/no_such_endpoint")
    assert response.status_code == 404
    with pytest.raises(pytest.fail.Exception, match="GET /no_such_endpoint: 404"):
        assert_accepted(response)


def test_missing_bearer_token_is_rejected(prism_url: str, assert_accepted: AssertAccepted) -> None:
    response = httpx.get(f"{prism_url}/me")
    assert response.status_code == 401
    with pytest.raises(pytest.fail.Exception, match="GET /me: 401"):
        assert_accepted(response)


def test_declared_error_response_from_the_spec_passes(assert_accepted: AssertAccepted) -> None:
    """A 4xx the spec itself declares (not made by Prism) is the API's answer, not a violation."""
    request = httpx.Request("GET", "http://127.0.0.1:4010/contacts/crd_1")
    response = httpx.Response(404, json={"_error": {"status": 404}}, request=request)
    assert_accepted(response)


def test_any_422_fails_even_without_prism_body(assert_accepted: AssertAccepted) -> None:
    request = httpx.Request("PATCH", "http://127.0.0.1:4010/contacts/crd_1")
    response = httpx.Response(422, text="nope", request=request)
    with pytest.raises(pytest.fail.Exception, match="PATCH /contacts/crd_1: 422"):
        assert_accepted(response)
