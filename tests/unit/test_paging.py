"""The one page walker: every page once, in order, and a loop refused with the listing named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from connector_front.errors import UpstreamError
from connector_front.mappers.events import front_event_pages
from connector_front.paging import FrontPage, all_results, follow, one_page, with_limit


class Pages:
    """A listing whose pages link as ``links`` says (link -> next link)."""

    def __init__(self, links: Mapping[str | None, str | None]) -> None:
        self.links = links
        self.read: list[str | None] = []

    async def list_page(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        next_url: str | None = None,
    ) -> FrontPage:
        self.read.append(next_url)
        return FrontPage([{"id": next_url or "first"}], self.links[next_url])


async def test_every_page_is_read_once_in_order() -> None:
    source = Pages({None: "/c?p=2", "/c?p=2": "/c?p=3", "/c?p=3": None})
    assert [r["id"] for r in await all_results(source, "/c")] == ["first", "/c?p=2", "/c?p=3"]
    assert source.read == [None, "/c?p=2", "/c?p=3"]


async def test_a_link_back_to_an_earlier_page_is_refused_naming_the_listing() -> None:
    source = Pages({None: "/c?p=2", "/c?p=2": "/c?p=3", "/c?p=3": "/c?p=2"})
    seen: list[str] = []
    with pytest.raises(UpstreamError, match="same next-page link twice while listing GET /c"):
        async for page in follow(
            lambda url: source.list_page("/c", next_url=url),
            lambda page: page.next_url,
            where="GET /c",
        ):
            seen.extend(item["id"] for item in page.results)
    assert seen == ["first", "/c?p=2"]  # the looping page itself is not passed on


async def test_one_page_at_a_cursor_refuses_a_page_linking_to_itself() -> None:
    source = Pages({None: "/c?p=2", "/c?p=2": "/c?p=2"})
    assert (await one_page(source, "/c")).next_url == "/c?p=2"
    with pytest.raises(UpstreamError, match="GET /c"):
        await one_page(source, "/c", next_url="/c?p=2")


async def test_the_activity_log_refuses_a_looping_next_link() -> None:
    source = Pages({None: "/events?p=2", "/events?p=2": "/events?p=2"})
    with pytest.raises(UpstreamError, match="GET /events"):
        async for _ in front_event_pages(source, after=None):
            pass
    assert source.read == [None, "/events?p=2"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/contacts?limit=5&page_token=abc", "/contacts?page_token=abc&limit=2"),
        ("/contacts?q%5Bupdated_after%5D=1.5&page_token=a%2Bb", None),
        ("https://x.example/c?page_token=t&limit=100#top", "https://x.example/c?page_token=t&limit=2#top"),
        ("/messages", "/messages?limit=2"),
    ],
)
def test_a_next_link_asks_for_another_page_size_and_keeps_the_rest_as_written(
    link: str, expected: str | None
) -> None:
    assert with_limit(link, 2) == (expected or f"{link}&limit=2")
