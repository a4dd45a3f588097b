"""``limit`` on every listing and every page of it, and the listings Front does not page (paged
by the connector), against the sandbox Front."""

from __future__ import annotations

from typing import Any

import pytest

from connector_front.connection import Resources
from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.mappers.walks import WalkMemory
from connector_front.models.record import Record
from connector_front.sandbox import SandboxServer
from tests.conftest import OWNER

FILTERS: dict[str, dict[str, str]] = {
    "genericContact": {},
    "genericCompany": {},
    "genericUser": {},
    "genericWorkspace": {},
    "ticketProject": {},
    "ticketIssue": {},
    "ticketComment": {"issue": "cnv_s001"},  # one comment, then two messages
}
SHORT_PAGES = {"ticketIssue"}
"""Models whose pages may hold fewer than ``limit`` (a page holds one inbox's issues at most)."""
UNPAGED = {"genericUser": "/teammates", "genericWorkspace": "/teams", "ticketProject": "/inboxes"}
"""Models whose Front listing is answered whole, and its path."""


@pytest.fixture(autouse=True)
def more_teams(sandbox: SandboxServer) -> None:
    """Enough teams for a few pages of two (the seed has two)."""
    sandbox.state.seed("teams", 4)


def resources(env: EmbeddedSandbox, model: str) -> Resources:
    assert env.connector is not None
    return env.connector.connection(OWNER).resources(model)


async def walk(
    listing: Resources, filters: dict[str, str], sizes: list[int | None], **options: Any
) -> list[list[Record]]:
    """Every page to the last, asking for ``sizes[n]`` records on page n (the last size
    repeats)."""
    pages: list[list[Record]] = []
    cursor = None
    while True:
        size = sizes[min(len(pages), len(sizes) - 1)]
        page = await listing.list(limit=size, cursor=cursor, filters=filters, **options)
        pages.append(page.data)
        if page.next is None:
            return pages
        cursor = page.next


def front_requests(sandbox: SandboxServer) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in sandbox.state.requests()]


@pytest.mark.parametrize("model", list(FILTERS))
async def test_a_first_page_holds_the_limit(embedded: EmbeddedSandbox, model: str) -> None:
    page = await resources(embedded, model).list(limit=1, filters=FILTERS[model])
    assert len(page.data) == 1 and page.next is not None


@pytest.mark.parametrize("model", list(FILTERS))
async def test_every_page_holds_its_own_limit(embedded: EmbeddedSandbox, model: str) -> None:
    listing = resources(embedded, model)
    every = [r.id for page in await walk(listing, FILTERS[model], [None]) for r in page]
    pages = await walk(listing, FILTERS[model], [1, 2])
    sizes = [len(page) for page in pages]
    if model in SHORT_PAGES:
        assert sizes[0] == 1 and max(sizes) == 2 and all(n <= 2 for n in sizes)
    else:
        assert sizes[:-1] == [1] + [2] * (len(pages) - 2) and 1 <= sizes[-1] <= 2
    assert [r.id for page in pages for r in page] == every  # each record once, in order


@pytest.mark.parametrize("model", list(FILTERS))
async def test_a_cursor_without_a_limit_keeps_the_size_it_was_made_with(
    embedded: EmbeddedSandbox, model: str
) -> None:
    pages = await walk(resources(embedded, model), FILTERS[model], [2, None])
    sizes = [len(page) for page in pages]
    assert len(pages) >= 2 and max(sizes) == 2
    assert model in SHORT_PAGES or sizes[:-1] == [2] * (len(pages) - 1)


@pytest.mark.parametrize(("model", "path"), list(UNPAGED.items()))
async def test_a_list_front_answers_whole_is_asked_for_once_per_walk(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, model: str, path: str
) -> None:
    sandbox.state.clear_requests()
    omit = ["members"] if model == "ticketProject" else []
    pages = await walk(resources(embedded, model), {}, [1], omit=omit)
    assert len(pages) > 1
    asked = front_requests(sandbox)
    assert asked == [f"GET {path}"]  # later pages come from the listing's notes
    assert not any("limit" in r["query"] for r in sandbox.state.requests())  # Front has none


@pytest.mark.parametrize("model", list(UNPAGED))
async def test_a_page_whose_notes_are_gone_resumes_after_the_last_record_served(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, model: str
) -> None:
    assert embedded.connector is not None
    listing = resources(embedded, model)
    every = [r.id for r in (await listing.list()).data]
    first = await listing.list(limit=2)
    assert [r.id for r in first.data] == every[:2]
    # a record before the cursor's position goes away: the next page must skip none
    table = getattr(sandbox.state.db, UNPAGED[model].strip("/"))
    del table[every[0]]
    embedded.connector.walks = WalkMemory()  # another process took the walk, or notes pruned
    listing = resources(embedded, model)
    sandbox.state.clear_requests()
    omit = ["members"] if model == "ticketProject" else []
    second = await listing.list(limit=2, cursor=first.next, omit=omit)
    assert [r.id for r in second.data] == every[2:4]
    assert front_requests(sandbox) == [f"GET {UNPAGED[model]}"]


async def test_an_issue_with_one_comment_and_no_message_is_one_page(
    embedded: EmbeddedSandbox,
) -> None:
    project = {"object": "resourceRef", "model": "ticketProject", "id": "inb_s001"}
    issue = await resources(embedded, "ticketIssue").create(
        {"project": project, "title": "One note", "description": "the only comment"}
    )
    page = await resources(embedded, "ticketComment").list(filters={"issue": issue.id})
    assert [r.fields["content"] for r in page.data] == ["the only comment"]
    assert page.next is None


@pytest.mark.parametrize(("issue", "messages"), [("cnv_s008", 0), ("cnv_s001", 2)])
async def test_comments_that_fill_a_page_have_a_next_page_only_when_messages_follow(
    embedded: EmbeddedSandbox, issue: str, messages: int
) -> None:
    listing = resources(embedded, "ticketComment")
    comments = len((await listing.list(filters={"issue": issue})).data) - messages
    pages = await walk(listing, {"issue": issue}, [comments, 100])
    assert [len(page) for page in pages] == [comments] + ([messages] if messages else [])
    assert all(not r.fields["isInternal"] for r in pages[-1]) or not messages
