"""Front's listings: the page envelope and the one walker every listing goes through.

The walker refuses a next-page link it has already followed (or the one it was given), so
a Front answer that points back to itself ends in a typed error instead of a loop.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

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


async def pages(
    source: PageSource,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    next_url: str | None = None,
) -> AsyncGenerator[FrontPage]:
    """The pages of ``GET path`` from ``next_url`` (or the first) to the last.

    A page whose next link was already followed is refused before it is yielded.
    """
    seen = {next_url} if next_url else set()
    while True:
        page = await source.list_page(path, params=params, next_url=next_url)
        if page.next_url in seen:
            raise UpstreamError(
                f"Front returned the same next-page link twice while listing GET {path}; "
                "stopping to avoid a loop. Try the listing again."
            )
        yield page
        if page.next_url is None:
            return
        seen.add(page.next_url)
        next_url = page.next_url


async def one_page(
    source: PageSource,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    next_url: str | None = None,
) -> FrontPage:
    """One page of ``GET path`` (the first, or the one at a cursor's ``next_url``)."""
    walk = pages(source, path, params=params, next_url=next_url)
    try:
        return await anext(walk)
    finally:
        await walk.aclose()


async def all_results(
    source: PageSource, path: str, *, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every item of ``GET path``, following its pages to the end."""
    return [item async for page in pages(source, path, params=params) for item in page.results]
