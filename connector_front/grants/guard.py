"""Holds each operation to the endpoints its mapper declares, so its scopes are the truth.

The scopes the host asks a customer for are derived from each mapper's endpoint table;
a mapper that called anything else would need a scope nobody asked for. This wrapper
refuses such a call before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote, urlsplit

from connector_front import observe
from connector_front.errors import (
    ConnectorError,
    InvalidCursorError,
    InvalidInputError,
    UpstreamError,
)
from connector_front.grants.scopes import match_template
from connector_front.mappers.base import FrontCalls, FrontJSON
from connector_front.mappers.names import NameBook
from connector_front.paging import FrontPage

_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
"""What no link of Front's holds: control characters, spaces, backslashes (which a URL parser
may read as a slash)."""


class UndeclaredEndpointError(ConnectorError):
    """A mapper bug: it called an endpoint missing from its table (its scopes would be wrong)."""

    code = "internal_error"
    status = 500


class GuardedApi:
    """A :class:`FrontApi` that lets one operation reach only its declared endpoints."""

    def __init__(
        self,
        api: FrontCalls,
        operation_id: str,
        allowed: Iterable[str],
        *,
        relative: Callable[[str], str] | None = None,
        names: NameBook | None = None,
    ) -> None:
        """``relative`` turns a next-page link into the form a cursor keeps (see cursor.py);
        ``names`` is handed to the mapper untouched (the owner's kept name splits)."""
        self._api = api
        self._relative = relative
        self._names = names
        self._operation_id = operation_id
        self._work = observe.Work.of(operation_id)
        """What its Front requests are counted for (metrics, logs)."""
        self._allowed = frozenset(allowed)

    @property
    def names(self) -> NameBook | None:
        return self._names

    def _check(self, method: str, path: str) -> None:
        """The path, as Front would resolve it, must be one the operation declares."""
        plain = urlsplit(path).path or path
        if any(unquote(segment) in {".", ".."} for segment in plain.split("/")):
            # httpx would collapse these segments and reach another endpoint than the template
            raise InvalidInputError(
                f"{self._operation_id}: a value given would send {method} {plain!r}, whose "
                "'.' / '..' segments leave the endpoint; pass ids as listed",
                fields=["id"],
            )
        template = match_template(method, plain)
        if template not in self._allowed:
            raise UndeclaredEndpointError(
                f"{self._operation_id} tried {method} {path}, which its mapper does not declare "
                f"(declared: {', '.join(sorted(self._allowed))}); this is a connector bug"
            )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        self._check(method.upper(), path)
        with observe.working(self._work):
            return await self._api.request(method, path, params=params, json=json)

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> FrontJSON:
        answer = await self.request(method, path, params=params, json=json)
        if not isinstance(answer, dict):
            raise UpstreamError(f"Front's answer to {method.upper()} {path} is not a JSON object")
        return answer

    def _check_next(self, path: str, next_url: str) -> None:
        """A next-page link (a cursor carries one) must be a page of the operation's own
        listing, written plainly: anything else is a cursor this connector did not make."""
        plain = urlsplit(next_url).path
        if (
            _UNSAFE.search(next_url)
            or any(unquote(segment) in {".", ".."} for segment in plain.split("/"))
            or match_template("GET", plain) not in self._allowed
        ):
            raise InvalidCursorError(
                f"the cursor's next page is not a page of this listing (GET {path}); pass the "
                "'next' value of the previous page unchanged, or omit it to start from the "
                "first page"
            )

    async def list_page(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        next_url: str | None = None,
    ) -> FrontPage:
        if next_url:
            self._check_next(path, next_url)
        else:
            self._check("GET", path)
        with observe.working(self._work):
            page = await self._api.list_page(path, params=params, next_url=next_url)
        if self._relative is None or page.next_url is None:
            return page
        return replace(page, next_url=self._relative(page.next_url))
