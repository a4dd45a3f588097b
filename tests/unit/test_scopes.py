"""Concrete Front request paths map to the spec operation and scopes they need."""

from __future__ import annotations

import re

import pytest

from connector_front.grants import scopes
from connector_front.grants.scopes import match_template, required_scopes, scope_table, scopes_for


@pytest.mark.parametrize(
    ("method", "path", "template", "expected"),
    [
        ("GET", "/contacts", "GET /contacts", ("contacts:read",)),
        ("GET", "/contacts/crd_123", "GET /contacts/{contact_id}", ("contacts:read",)),
        ("GET", "/contacts/alt:email:a@b.c", "GET /contacts/{contact_id}", ("contacts:read",)),
        ("PATCH", "/contacts/alt:email:a@b.c", "PATCH /contacts/{contact_id}", ("contacts:write",)),
        ("DELETE", "/contacts/crd_1", "DELETE /contacts/{contact_id}", ("contacts:delete",)),
        ("PATCH", "/comments/com_1/", "PATCH /comments/{comment_id}/", ("comments:write",)),
        ("GET", "/comments/com_1", "GET /comments/{comment_id}", ("comments:read",)),
        (
            "POST",
            "/conversations/cnv_1/tags",
            "POST /conversations/{conversation_id}/tags",
            ("conversations:write",),
        ),
        (
            "GET",
            "/conversations/alt:ref:abc",
            "GET /conversations/{conversation_id}",
            ("conversations:read",),
        ),
        ("GET", "/me", "GET /me", ()),
    ],
)
def test_concrete_path_matches_template(
    method: str, path: str, template: str, expected: tuple[str, ...]
) -> None:
    assert match_template(method, path) == template
    assert required_scopes(method, path) == expected


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/contacts/custom_fields", "GET /contacts/custom_fields"),
        ("POST", "/contacts/merge", "POST /contacts/merge"),
        ("GET", "/conversations/search/is%3Aopen", "GET /conversations/search/{query}"),
        # No GET /contacts/merge in the spec: the parameter matches, as Front and Prism do.
        ("GET", "/contacts/merge", "GET /contacts/{contact_id}"),
        ("DELETE", "/contacts/custom_fields", "DELETE /contacts/{contact_id}"),
        # A literal branch that dead-ends falls back to the parameter.
        (
            "GET",
            "/contacts/custom_fields/conversations",
            "GET /contacts/{contact_id}/conversations",
        ),
    ],
)
def test_literal_segments_win_over_parameters(method: str, path: str, template: str) -> None:
    assert match_template(method, path) == template


def test_literal_precedence_changes_scopes() -> None:
    assert required_scopes("GET", "/contacts/custom_fields") == ("custom_fields:read",)
    assert required_scopes("GET", "/contacts/crd_custom") == ("contacts:read",)


@pytest.mark.parametrize(
    "path",
    [
        "/contacts?limit=50&page_token=abc",
        "https://api2.frontapp.com/contacts?limit=50",
        "contacts",
    ],
)
def test_query_strings_and_full_urls_are_reduced_to_the_path(path: str) -> None:
    assert match_template("get", path) == "GET /contacts"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/comments/com_1"),  # the spec declares PATCH only with the trailing slash
        ("GET", "/comments/com_1/"),
        ("GET", "/contacts/"),  # an empty segment is not a parameter value
        ("GET", "/no_such_endpoint"),
        ("PUT", "/contacts"),
        ("BREW", "/contacts"),
        ("GET", "/contacts/crd_1/notes/extra"),
    ],
)
def test_unknown_requests_need_no_known_scope(method: str, path: str) -> None:
    assert match_template(method, path) is None
    assert required_scopes(method, path) == ()


def test_every_template_matches_itself_when_filled_in() -> None:
    for endpoint in scope_table():
        method, _, template = endpoint.partition(" ")
        concrete = re.sub(r"\{[^}]+\}", "x_1", template)
        assert match_template(method, concrete) == endpoint


def test_scopes_for_is_a_sorted_union() -> None:
    endpoints = [
        "PATCH /contacts/{contact_id}",
        "GET /contacts/{contact_id}",
        "GET /contacts",
        "GET /contacts/custom_fields",
        "GET /me",
    ]
    assert scopes_for(endpoints) == ("contacts:read", "contacts:write", "custom_fields:read")
    assert scopes_for(iter(["get /contacts"])) == ("contacts:read",)
    assert scopes_for([]) == ()


def test_scopes_for_rejects_unknown_endpoint_clearly() -> None:
    with pytest.raises(KeyError, match=r"GET /contacts/crd_1.*not an operation in Front's spec"):
        scopes_for(["GET /contacts", "GET /contacts/crd_1"])


def test_scopes_for_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        scopes_for("GET /contacts")


def test_table_is_loaded_once() -> None:
    assert scopes._index() is scopes._index()
    assert scope_table()["GET /contacts"] == ("contacts:read",)
