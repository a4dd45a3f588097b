"""The host allow-list: credentials go to the API origin or https://*.frontapp.com only."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_front.paging import FrontPage
from connector_front.transport import HostPolicy

LOCAL = HostPolicy("http://127.0.0.1:8123")
FRONT = HostPolicy("https://api2.frontapp.com")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8123/contacts?page_token=x",
        "https://api2.frontapp.com/contacts",
        "https://yourcompany.api.frontapp.com/contacts?page_token=abc",
    ],
)
def test_allowed(url: str) -> None:
    assert LOCAL.is_allowed(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9999/contacts",  # other port
        "https://127.0.0.1:8123/contacts",  # other scheme
        "http://localhost:8123/contacts",  # other host name
        "http://api2.frontapp.com/contacts",  # Front host without TLS
        "https://frontapp.com.evil.example/contacts",
        "https://evilfrontapp.com/contacts",
        "https://api2.frontapp.com.evil.example/x",
        "/contacts",  # not absolute
    ],
)
def test_refused(url: str) -> None:
    assert not LOCAL.is_allowed(url)


def test_default_ports_are_the_same_origin() -> None:
    assert FRONT.is_allowed("https://api2.frontapp.com:443/contacts")
    assert HostPolicy("http://example.test").is_allowed("http://example.test:80/x")


def test_resolve_paths_and_refuse_escapes() -> None:
    assert str(LOCAL.resolve("/contacts?limit=5")) == "http://127.0.0.1:8123/contacts?limit=5"
    prefixed = HostPolicy("http://127.0.0.1:8123/api/")
    assert str(prefixed.resolve("/contacts")) == "http://127.0.0.1:8123/api/contacts"
    assert prefixed.api_path(prefixed.resolve("/contacts/crd_1")) == "/contacts/crd_1"
    for bad in ("contacts", "//evil.example/x", "https://evil.example/x"):
        with pytest.raises(ValueError):
            LOCAL.resolve(bad)
    assert LOCAL.resolve("/search?next=https://x.example").host == "127.0.0.1"


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        HostPolicy("ftp://example.test")
    with pytest.raises(ValueError):
        HostPolicy("/relative")


@given(host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True))
def test_any_other_host_is_refused(host: str) -> None:
    url = f"https://{host}/contacts"
    expected = host.endswith(".frontapp.com")
    assert FRONT.is_allowed(url) == (expected or host == "api2.frontapp.com")


def test_front_page_reads_the_envelope() -> None:
    page = FrontPage.from_body(
        {"_results": [{"id": "crd_1"}], "_pagination": {"next": "https://x/contacts?p=2"}}, "GET /c"
    )
    assert page.results == [{"id": "crd_1"}]
    assert page.next_url == "https://x/contacts?p=2"
    assert (
        FrontPage.from_body({"_results": [], "_pagination": {"next": None}}, "x").next_url is None
    )
    assert FrontPage.from_body({"_results": []}, "x").next_url is None


@pytest.mark.parametrize("body", [None, [], {"results": []}, {"_results": [1]}])
def test_front_page_refuses_non_lists(body: object) -> None:
    from connector_front.errors import UpstreamError

    with pytest.raises(UpstreamError, match="GET /c"):
        FrontPage.from_body(body, "GET /c")


@pytest.mark.parametrize("base", ["http://127.0.0.1:8123", "https://x.test/api/"])
@given(
    path=st.from_regex(r"/[a-z_.][a-z_/.]{0,20}", fullmatch=True),
    query=st.text(alphabet="abcXYZ019=&%_-~.:/é ", max_size=30),
)
def test_a_link_on_the_base_turns_relative_and_back_to_the_same_url(
    base: str, path: str, query: str
) -> None:
    hosts = HostPolicy(base)
    link = str(hosts.base).rstrip("/") + path + (f"?{query}" if query else "")
    try:
        expected = httpx.URL(link)
    except httpx.InvalidURL:
        return
    relative = hosts.relative(link)
    assert relative.startswith("/")
    assert hosts.resolve(relative) == expected


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:9999/contacts?page_token=x",  # another port
        "http://127.0.0.1:8123@evil.example/contacts",  # another host behind userinfo
        "https://api2.frontapp.com/contacts?page_token=x",  # a Front host: kept absolute
    ],
)
def test_a_link_off_the_base_stays_as_it_is(link: str) -> None:
    assert LOCAL.relative(link) == link
