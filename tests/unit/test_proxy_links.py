"""Relinking Front's URLs in a proxied answer: only _pagination.next and _links change."""

from __future__ import annotations

import httpx

from connector_front.proxy.links import relinked_response, rewrite_links

FRONT = "https://api2.frontapp.com"


def relink(url: str) -> str | None:
    return url.replace(FRONT, "http://host/proxy") if url.startswith(FRONT) else None


def test_links_and_next_are_relinked_other_values_kept() -> None:
    document = {
        "_pagination": {"next": f"{FRONT}/contacts?page_token=abc", "prev": None},
        "_links": {"self": f"{FRONT}/contacts", "related": {"owner": f"{FRONT}/teammates/t"}},
        "_results": [
            {"id": "crd_1", "_links": {"self": f"{FRONT}/contacts/crd_1"}, "note": f"{FRONT}/x"}
        ],
        "elsewhere": "https://example.com/contacts",
    }
    out = rewrite_links(document, relink)
    assert out["_pagination"] == {"next": "http://host/proxy/contacts?page_token=abc", "prev": None}
    assert out["_links"]["related"]["owner"] == "http://host/proxy/teammates/t"
    assert out["_results"][0]["_links"]["self"] == "http://host/proxy/contacts/crd_1"
    assert out["_results"][0]["note"] == f"{FRONT}/x"  # not a link field: left alone
    assert document["_links"]["self"] == f"{FRONT}/contacts"  # the input is not changed


def test_foreign_links_and_non_json_bodies_pass_unchanged() -> None:
    assert rewrite_links({"_links": {"self": "https://evil.example/x"}}, relink) == {
        "_links": {"self": "https://evil.example/x"}
    }
    text = httpx.Response(200, headers={"content-type": "text/plain"}, content=f"{FRONT}/a")
    assert relinked_response(text, relink) is text
    page = httpx.Response(200, json={"_pagination": {"next": f"{FRONT}/contacts?p=2"}})
    assert relinked_response(page, relink).json()["_pagination"]["next"] == (
        "http://host/proxy/contacts?p=2"
    )
