"""genericCompany <-> Front account (``acc_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidCursorError, InvalidInputError
from connector_front.models.generic_company import GenericCompanyFields
from connector_front.paging import one_page
from connector_front.util.parsing import parse_decimal

from .base import (
    FRONT_ID_PREFIXES,
    CollectionMapper,
    CustomFields,
    FrontApi,
    FrontField,
    FrontItem,
    ListQuery,
    MappedList,
    as_list,
    blank,
    items,
    list_params,
    resume_at,
    unknown_filters,
    with_custom,
)
from .timestamps import to_front_seconds

CUTOFF = "updated_after="
"""Prefix of a cursor that carries the updatedAfter time to the following pages."""


class CompanyMapper(CollectionMapper):
    model = "genericCompany"
    collection = "/accounts"
    front_object = "account"
    label = "companies"
    id_prefixes = (FRONT_ID_PREFIXES["account"],)
    id_aliases = ("domain", "ext_id")
    fields_model = GenericCompanyFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /accounts",),
        "retrieve": ("GET /accounts/{account_id}",),
        "create": ("POST /accounts",),
        "update": ("GET /accounts/{account_id}", "PATCH /accounts/{account_id}"),
        "delete": ("DELETE /accounts/{account_id}",),
        "events": ("GET /accounts", "GET /accounts/{account_id}"),
    }
    changes = "updated_after"
    filters: ClassVar[Mapping[str, str]] = {
        "updatedAfter": "accounts updated after this time (ISO-8601 or epoch seconds), newest "
        "first: Front sorts by updated_at and the listing ends at the first older account",
    }
    custom_fields_endpoint = "GET /accounts/custom_fields"
    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "name": FrontField("name", write=blank),
        "description": FrontField("description", write=blank),
        "domains": FrontField("domains", read=as_list, write=as_list),
    }

    def front_params(self, query: ListQuery) -> dict[str, Any]:
        unknown_filters(query, list(self.filters), model=self.model)
        if _updated_after(query) is None:
            return list_params(query)
        return list_params(query, sort_by="updated_at", sort_order="desc")

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        """Front has no updated-after filter on accounts: list newest first, stop at the first
        account not updated after the filter value (carried in the cursor to later pages)."""
        after, next_url = _cutoff(query)
        params = self.front_params(query)
        link = resume_at(query, next_url)
        page = await one_page(api, self.collection, params=params, next_url=link)
        if after is None:
            return MappedList(items=items(page.results), next_cursor=page.next_url)
        fresh = [a for a in page.results if not _not_after(a.get("updated_at"), after)]
        if len(fresh) < len(page.results) or page.next_url is None:
            return MappedList(items=items(fresh), next_cursor=None)
        return MappedList(items=items(fresh), next_cursor=f"{CUTOFF}{after!r}|{page.next_url}")

    async def create(
        self, api: FrontApi, fields: GenericCompanyFields, custom_fields: CustomFields
    ) -> FrontItem:
        if not fields.name:
            raise InvalidInputError(
                "genericCompany: Front needs a name to create an account", fields=["fields.name"]
            )
        body = with_custom(self.front_body(fields), custom_fields)
        return FrontItem(await api.request_json("POST", "/accounts", json=body))


def _updated_after(query: ListQuery) -> float | None:
    return to_front_seconds(query.filters.get("updatedAfter"), "updatedAfter")


def _cutoff(query: ListQuery) -> tuple[float | None, str | None]:
    """The updatedAfter time (from the filter, or carried in the cursor) and Front's next link."""
    after = _updated_after(query)
    cursor = query.cursor
    if cursor is None or not cursor.startswith(CUTOFF):
        return after, cursor
    stamp, _, next_url = cursor.removeprefix(CUTOFF).partition("|")
    carried = parse_decimal(stamp)
    if carried is None:
        raise InvalidCursorError(
            "cursor is not one this connector issued; pass the 'next' value of the previous "
            "page unchanged"
        )
    return (carried if after is None else after), next_url or None


def _not_after(updated_at: Any, after: float) -> bool:
    """True for an account last updated at or before ``after`` (one without a time is kept)."""
    return (
        isinstance(updated_at, int | float)
        and not isinstance(updated_at, bool)
        and (updated_at <= after)
    )
