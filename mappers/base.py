"""The mapper interface: what a unified model needs to know about Front, and nothing more."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Protocol, TypeVar
from urllib.parse import quote

from connector_front.errors import InvalidInputError, NotSupportedError
from connector_front.models.base import UnifiedFields
from connector_front.paging import PageSource, all_results, one_page, with_limit
from connector_front.util.concurrency import bounded_gather

from .event_memory import EventMemory
from .names import NameBook
from .slices import Fetch, Slice, slice_page
from .walks import OwnerWalks

OPERATIONS: tuple[str, ...] = ("list", "retrieve", "create", "update", "delete")
"""The five unified operations, in manifest order."""

EVENTS = "events"
"""``model::events``: receive the model's created / updated / deleted events. Its endpoints are
what event sync and event enrichment call, so its scopes come from Front's spec like any other."""

GRANTABLE: tuple[str, ...] = (*OPERATIONS, EVENTS)
"""Everything a connection can be created with: the five operations and event sync."""

ChangeFeed = Literal["updated_after", "snapshot", "events_api"]
"""How Front tells a model's changes: a listing filtered by ``updatedAfter``, a whole listing
compared with the last one, or Front's activity log (Events API and webhooks)."""

FrontJSON = dict[str, Any]
Params = Mapping[str, Any] | None
CustomFields = Mapping[str, Any]
"""Custom fields to write, by their Front name."""


class FrontCalls(PageSource, Protocol):
    """What the transport offers: one request, or one page of a listing.

    Listings go through :mod:`connector_front.paging`'s walker, which refuses a next-page
    link that does not move on.
    """

    async def request(
        self, method: str, path: str, *, params: Params = None, json: Any = None
    ) -> Any: ...


class FrontApi(FrontCalls, Protocol):
    """The slice of the transport a mapper may use, a request whose answer is an object, and
    the owner's kept name splits (``names``; None where nothing keeps them: see names.py)."""

    async def request_json(
        self, method: str, path: str, *, params: Params = None, json: Any = None
    ) -> FrontJSON: ...

    @property
    def names(self) -> NameBook | None: ...


@dataclass(frozen=True)
class ListQuery:
    """A unified listing request. ``cursor`` is the transport's next-page link, already decoded.

    ``omit`` names fields the caller does not want: a mapper makes no request for them.
    ``walks`` keeps what a listing learns once for its later pages (see walks.py); without it
    each page asks Front again.
    """

    limit: int | None = None
    cursor: str | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    omit: frozenset[str] = frozenset()
    walks: OwnerWalks | None = None


@dataclass(frozen=True, slots=True)
class FrontItem:
    """One Front object as Front sent it, and the related Front records its record needs
    (an inbox's members, a conversation's inboxes), by name."""

    front: FrontJSON
    related: Mapping[str, list[FrontJSON]] = field(default_factory=dict)


def items(fronts: Sequence[FrontJSON]) -> list[FrontItem]:
    return [FrontItem(front) for front in fronts]


RELATED_CONCURRENCY = 8
"""How many related fetches run at once for one page (the transport paces them further)."""
T = TypeVar("T")


async def with_related(
    fronts: Iterable[FrontJSON], fetch: Callable[[FrontJSON], Awaitable[T]]
) -> list[T]:
    """``fetch`` the related records of each Front object, a few at a time, in order."""
    return await bounded_gather(fronts, fetch, limit=RELATED_CONCURRENCY)


def with_custom(body: FrontJSON, custom_fields: CustomFields) -> FrontJSON:
    """A create body with the written custom fields, if any."""
    return {**body, "custom_fields": dict(custom_fields)} if custom_fields else body


@dataclass
class MappedList:
    """Front objects of one page and the link to the next page, if any."""

    items: list[FrontItem]
    next_cursor: str | None


@dataclass(slots=True)
class Unified:
    """What a mapper reads out of one Front object, before validation and field mapping.
    ``custom_fields`` is Front's object as sent: read, never changed."""

    id: str
    fields: dict[str, Any]
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    created_at: Any = None
    updated_at: Any = None


def _or_none(value: Any) -> Any:
    return value or None


def same(value: Any) -> Any:
    return value


def blank(value: Any) -> Any:
    """Front clears a text field with "", not null."""
    return value or ""


def as_list(value: Any) -> list[Any]:
    """A list both ways: Front's missing list reads [], a null write clears it."""
    return list(value or [])


@dataclass(frozen=True)
class FrontField:
    """A unified field that is one Front key: how its value reads, and how it is written."""

    key: str
    read: Callable[[Any], Any] = _or_none
    write: Callable[[Any], Any] = same


class Mapper:
    """Base class of every mapper. Subclasses fill the class attributes and the supported ops.

    ``endpoints`` is the table operation -> Front endpoints ("METHOD /spec/template") the
    operation may call: the connector derives scopes from it and refuses any other request.
    An operation absent from it is unsupported; ``not_supported`` says what Front offers instead.
    ``create`` and ``update`` receive the validated ``fields_model`` instance (its
    ``model_fields_set`` says which fields were written) and the custom fields to write.
    """

    model: ClassVar[str]
    front_object: ClassVar[str]
    label: ClassVar[str | None] = None
    """What a customer calls this kind of data, plural ("contacts"): the connect page groups
    what the app may do by it. None: "<model> records"."""
    fields_model: ClassVar[type[UnifiedFields]]
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]]
    not_supported: ClassVar[Mapping[str, str]] = {}
    filters: ClassVar[Mapping[str, str]] = {}
    """List filters this model accepts: unified name -> what it does."""
    custom_fields_endpoint: ClassVar[str | None] = None
    """Endpoint listing the Front custom field definitions of this object, if Front has any."""
    mappable_fields: ClassVar[frozenset[str]] = frozenset()
    """Standard fields Front lacks that a field mapping may fill from a custom field."""
    changes: ClassVar[ChangeFeed | None] = None
    """How event sync learns this model's changes (None: the model has no events)."""
    id_prefixes: ClassVar[tuple[str, ...]] = ()
    """Front id prefixes of this model's records (``crd_``); empty: any safe id is passed on."""
    id_aliases: ClassVar[tuple[str, ...]] = ()
    """Front's ``alt:<kind>:<value>`` id forms this model accepts, by kind (``email``)."""
    simple_fields: ClassVar[Mapping[str, FrontField]] = {}
    """Unified fields that are one Front key each: read by :meth:`unified`, written by
    :meth:`front_body`."""

    def check_id(self, record_id: str) -> None:
        """Refuse an id that is not one of this model's forms, before any request is built."""
        path_id(record_id, model=self.model)
        if not self.id_prefixes or is_front_id(record_id, self.id_prefixes, self.id_aliases):
            return
        forms = [f"{p}…" for p in self.id_prefixes] + [f"alt:{a}:…" for a in self.id_aliases]
        raise InvalidInputError(
            f"{self.model}: {record_id!r} is not an id of a Front {self.front_object}; "
            f"expected {' or '.join(forms)}",
            fields=["id"],
        )

    def supports(self, operation: str) -> bool:
        return operation in self.endpoints

    @property
    def event_feed(self) -> ChangeFeed | None:
        """How event sync learns this model's changes; None when a connection cannot receive
        its events (no ``changes``, or no ``events`` operation)."""
        return self.changes if self.supports(EVENTS) else None

    @property
    def has_events(self) -> bool:
        """Whether a connection can receive this model's events (``model::events``)."""
        return self.event_feed is not None

    @property
    def kind_label(self) -> str:
        """:attr:`label`, or "<model> records" for a mapper without one."""
        return self.label or f"{self.model} records"

    def to_unified(self, item: FrontItem) -> Unified:
        return self.unified(item)

    def unified(self, item: FrontItem, **more: Any) -> Unified:
        """``more``, and the simple fields it does not name; custom fields and times as Front
        sends them. (Written for speed: a listing page calls it once per record.)"""
        front_id, get = str(item.front["id"]), item.front.get
        for name, simple in self.simple_fields.items():  # ``more`` is this call's own dict
            if name not in more:
                more[name] = simple.read(get(simple.key))
        return Unified(
            front_id,
            more,
            get("custom_fields") or {},
            get("created_at"),
            get("updated_at"),
        )

    def front_body(self, fields: UnifiedFields) -> FrontJSON:
        """The Front keys of the simple fields that were written."""
        written = fields.model_fields_set
        return {
            f.key: f.write(getattr(fields, name))
            for name, f in self.simple_fields.items()
            if name in written
        }

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        raise self.unsupported_error("list")

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        raise self.unsupported_error("retrieve")

    async def event_item(self, api: FrontApi, front: FrontJSON, memory: EventMemory) -> FrontItem:
        """The item of a Front object an event carried in full, with what its record needs
        beyond it: from ``memory``, or read (as ``model::events``) when memory has nothing."""
        return FrontItem(front)

    async def create(self, api: FrontApi, fields: Any, custom_fields: CustomFields) -> FrontItem:
        raise self.unsupported_error("create")

    async def update(
        self, api: FrontApi, record_id: str, fields: Any, custom_fields: CustomFields
    ) -> FrontItem:
        raise self.unsupported_error("update")

    async def delete(self, api: FrontApi, record_id: str, *, permanent: bool = False) -> None:
        raise self.unsupported_error("delete")

    def unsupported_reason(self, operation: str) -> str:
        """Why Front cannot do ``operation``, and what it offers instead."""
        return self.not_supported.get(operation, "Front has no endpoint for it")

    def unsupported_error(self, operation: str) -> NotSupportedError:
        return NotSupportedError(
            f"{self.model}::{operation} is not supported by Front: "
            f"{self.unsupported_reason(operation)}"
        )


FRONT_ID_PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "account": "acc_",
        "comment": "com_",
        "contact": "crd_",
        "conversation": "cnv_",
        "event": "evt_",
        "inbox": "inb_",
        "message": "msg_",
        "team": "tim_",
        "teammate": "tea_",
    }
)
"""Front object -> the prefix of its ids (models' ``id_prefixes``, webhook previews' ids)."""
_ID_BODY = re.compile(r"[0-9A-Za-z]+")
"""What follows a Front id prefix: Front ids are a prefix and a base-36 number."""
_UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f]")
"""Characters no id may hold: slashes would leave the endpoint, control characters the URL."""


def is_front_id(record_id: str, prefixes: Sequence[str], aliases: Sequence[str] = ()) -> bool:
    """``record_id`` is one of Front's id forms: a prefix and letters or digits, or an
    ``alt:<kind>:<value>`` alias of a kind in ``aliases``."""
    for prefix in prefixes:
        if record_id.startswith(prefix) and _ID_BODY.fullmatch(record_id[len(prefix) :]):
            return True
    kind, _, value = record_id.removeprefix("alt:").partition(":")
    return record_id.startswith("alt:") and kind in aliases and bool(value)


def path_id(record_id: str, *, model: str) -> str:
    """Quote a record id (or a Front alias such as ``alt:email:a@b.c``) for use in a path."""
    if (
        not record_id
        or record_id in {".", ".."}
        or _UNSAFE_ID.search(record_id)
        or record_id.strip() != record_id
    ):
        raise InvalidInputError(
            f"{model}: {record_id!r} is not a valid id; pass the id of a record as listed "
            "(no slashes, control characters, surrounding spaces or '.' / '..')",
            fields=["id"],
        )
    return quote(record_id, safe=":@+")


PAGE_SIZE = 100
"""Front's largest page: what a listing asks for when the caller gives no limit."""


def list_params(query: ListQuery, **extra: Any) -> dict[str, Any]:
    """Front list parameters for a unified query: ``limit`` (Front's largest page, 100, unless
    the caller asks for fewer) and extras."""
    params: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    params["limit"] = PAGE_SIZE if query.limit is None else query.limit
    return params


def resume_at(query: ListQuery, link: str | None) -> str | None:
    """Front's next-page link, asking for the caller's ``limit`` when one is given (Front's link
    keeps the size of the page that made it, as the cursor does when no limit is given)."""
    return link if link is None or query.limit is None else with_limit(link, query.limit)


async def sliced(query: ListQuery, fetch: Fetch, cursor: str | None) -> Slice:
    """The page at ``cursor`` (None: the first) of a list Front answers whole (slices.py)."""
    return await slice_page(
        fetch,
        limit=query.limit,
        cursor=cursor,
        walks=query.walks,
        default=PAGE_SIZE,
    )


def unknown_filters(query: ListQuery, allowed: Sequence[str], *, model: str) -> None:
    """Refuse filters the model does not know, naming the ones it does."""
    unknown = sorted(set(query.filters) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise InvalidInputError(
            f"{model} cannot be filtered by {', '.join(unknown)}; known filters: {known}",
            fields=[f"filters.{name}" for name in unknown],
        )


class CollectionMapper(Mapper):
    """A Front object in a plain collection: ``GET /things``, ``GET`` / ``DELETE /things/{id}``.

    Subclasses set ``collection``; they override :meth:`front_params` for filters and
    :meth:`path` for id aliases.
    """

    collection: ClassVar[str]
    paged: ClassVar[bool] = True
    """Whether Front pages the collection (``limit``, ``page_token``); when not, Front answers
    it whole and the listing is paged here (see slices.py)."""
    reads_before_update: ClassVar[bool] = False
    """Whether :meth:`update_body` needs the record as it is (custom fields always do)."""
    unchangeable: ClassVar[Mapping[str, str]] = {}
    """Fields Front cannot change once set, and what to do instead."""

    def path(self, record_id: str) -> str:
        return f"{self.collection}/{path_id(record_id, model=self.model)}"

    def front_params(self, query: ListQuery) -> dict[str, Any]:
        """Front list parameters; the default takes no filters."""
        unknown_filters(query, list(self.filters), model=self.model)
        return list_params(query) if self.paged else {}

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        params = self.front_params(query)
        if not self.paged:
            whole = partial(all_results, api, self.collection, params=params)
            part = await sliced(query, whole, query.cursor)
            return MappedList(items=items(part.items), next_cursor=part.next_cursor)
        link = resume_at(query, query.cursor)
        page = await one_page(api, self.collection, params=params, next_url=link)
        return MappedList(items=items(page.results), next_cursor=page.next_url)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return FrontItem(await api.request_json("GET", self.path(record_id)))

    async def delete(self, api: FrontApi, record_id: str, *, permanent: bool = False) -> None:
        await api.request("DELETE", self.path(record_id))

    async def update(
        self, api: FrontApi, record_id: str, fields: Any, custom_fields: CustomFields
    ) -> FrontItem:
        """GET the record when needed, PATCH what changed (custom fields merged in: Front
        replaces them whole), run the mapper's later steps, and read the record back."""
        self.refuse_update(fields)
        path = self.path(record_id)
        needed = custom_fields or self.reads_before_update
        current = await api.request_json("GET", path) if needed else {}
        patch = await self.update_body(api, path, current, fields)
        if custom_fields:
            patch["custom_fields"] = {**(current.get("custom_fields") or {}), **custom_fields}
        if patch:
            await api.request("PATCH", path, json=patch)
        await self.after_update(api, path, current, fields)
        return await self.retrieve(api, record_id)

    def refuse_update(self, fields: Any) -> None:
        """Refuse what the update cannot carry out, before any request."""
        for name in sorted(fields.model_fields_set & self.unchangeable.keys())[:1]:
            message = f"{self.model}: {self.unchangeable[name]}"
            raise InvalidInputError(message, fields=[f"fields.{name}"])

    async def update_body(
        self, api: FrontApi, path: str, current: FrontJSON, fields: Any
    ) -> FrontJSON:
        """The PATCH body (without custom fields); the default writes the simple fields."""
        return self.front_body(fields)

    async def after_update(self, api: FrontApi, path: str, current: FrontJSON, fields: Any) -> None:
        """Requests that follow the PATCH (handles, tags)."""
