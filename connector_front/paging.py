"""Front's listings: the page envelope, and the one walker every listing goes through."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from connector_front.errors import UpstreamError


@dataclass(frozen=True)
class FrontPage:
    """One page of a Front listing; ``next_url`` is None on the last page."""

    results: list[dict[str, Any]] = field(default_factory=list)
    next_url: str | None = None

    @classmethod
    def from_body(cls, body: Any, where: str) -> FrontPage:
        """Read a list answer (``_results`` plus ``_pagination.next``); raise if it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("_results"), list):
            raise UpstreamError(
                f"Front's answer to {where} is not a list (no _results array). "
                "Check that the path is a Front list endpoint."
            )
        results = [item for item in body["_results"] if isinstance(item, dict)]
        if len(results) != len(body["_results"]):
            raise UpstreamError(f"Front's answer to {where} has _results that are not objects.")
        pagination = body.get("_pagination")
        next_url = pagination.get("next") if isinstance(pagination, dict) else None
        return cls(results, next_url if isinstance(next_url, str) and next_url else None)


class PageSource(Protocol):
    """Anything that reads one page of a listing: the transport, or a guarded view of it."""

    async def list_page(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        next_url: str | None = None,
    ) -> FrontPage: ...


Page = TypeVar("Page")


async def follow(
    read: Callable[[str | None], Awaitable[Page]],
    link: Callable[[Page], str | None],
    *,
    where: str,
    start: str | None = None,
) -> AsyncGenerator[Page]:
    """Pages read by their next link from ``start`` (None: the first) to the last; a page
    linking to one already followed (or to ``start``) is refused before it is yielded."""
    seen = {start} if start else set()
    while True:
        page = await read(start)
        if (start := link(page)) in seen:
            raise UpstreamError(
                f"Front returned the same next-page link twice while listing {where}; "
                "stopping to avoid a loop. Try the listing again."
            )
        yield page
        if start is None:
            return
        seen.add(start)


def pages(
    source: PageSource,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    next_url: str | None = None,
) -> AsyncGenerator[FrontPage]:
    """The pages of ``GET path`` from ``next_url`` (or the first) to the last."""
    return follow(
        lambda url: source.list_page(path, params=params, next_url=url),
        lambda page: page.next_url,
        where=f"GET {path}",
        start=next_url,
    )


async def one_page(
    source: PageSource,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    next_url: str | None = None,
) -> FrontPage:
    """One page of ``GET path``: the first, or the one at a cursor's ``next_url``."""
    async with aclosing(pages(source, path, params=params, next_url=next_url)) as walk:
        return await anext(walk)


def with_limit(link: str, limit: int) -> str:
    """``link`` asking for pages of ``limit``: its ``limit`` query parameter replaced (or added),
    the rest of the link kept as Front wrote it. Front's next-page link keeps the size of the
    page that made it; a caller may ask for another size from any page on."""
    head, mark, fragment = link.partition("#")
    path, _, query = head.partition("?")
    kept = [part for part in query.split("&") if part and part.split("=", 1)[0] != "limit"]
    return f"{path}?{'&'.join([*kept, f'limit={limit}'])}{mark}{fragment}"


async def all_results(
    source: PageSource, path: str, *, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every item of ``GET path``, following its pages to the end."""
    return [item async for page in pages(source, path, params=params) for item in page.results]
