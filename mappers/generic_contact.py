"""genericContact <-> Front contact (``crd_``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from connector_front.errors import InvalidInputError
from connector_front.models.generic_contact import GenericContactFields

from .base import (
    FRONT_ID_PREFIXES,
    CollectionMapper,
    CustomFields,
    FrontApi,
    FrontField,
    FrontItem,
    FrontJSON,
    ListQuery,
    MappedList,
    Unified,
    blank,
    list_params,
    unknown_filters,
    with_custom,
)
from .handles import HANDLE_SOURCES, first_handle, handles_for_create, primary_handles
from .names import KEPT, NameSplit, kept_related, kept_split, split_name, written
from .timestamps import to_front_seconds


class ContactMapper(CollectionMapper):
    model = "genericContact"
    collection = "/contacts"
    front_object = "contact"
    label = "contacts"
    id_prefixes = (FRONT_ID_PREFIXES["contact"],)
    id_aliases = ("email", "phone")
    fields_model = GenericContactFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /contacts",),
        "retrieve": ("GET /contacts/{contact_id}",),
        "create": ("POST /contacts",),
        "update": (
            "GET /contacts/{contact_id}",
            "PATCH /contacts/{contact_id}",
            "POST /contacts/{contact_id}/handles",
            "DELETE /contacts/{contact_id}/handles",
        ),
        "delete": ("DELETE /contacts/{contact_id}",),
        "events": ("GET /contacts", "GET /contacts/{contact_id}"),
    }
    changes = "updated_after"
    filters: ClassVar[Mapping[str, str]] = {
        "updatedAfter": "contacts updated after this time (ISO-8601 or epoch seconds)",
        "updatedBefore": "contacts updated before this time (ISO-8601 or epoch seconds)",
    }
    custom_fields_endpoint = "GET /contacts/custom_fields"
    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "description": FrontField("description", write=blank),
    }
    reads_before_update = True  # the name to keep half of, the handles to swap

    def to_unified(self, item: FrontItem) -> Unified:
        first, last = split_name(item.front.get("name"), kept_split(item.related))
        primary = primary_handles(item.front.get("handles") or ())
        return self.unified(
            item,
            firstName=first,
            lastName=last,
            email=primary.get("email"),
            phoneNumber=primary.get("phone"),
        )

    def front_params(self, query: ListQuery) -> dict[str, Any]:
        unknown_filters(query, list(self.filters), model=self.model)
        return list_params(
            query,
            **{
                "q[updated_after]": to_front_seconds(
                    query.filters.get("updatedAfter"), "updatedAfter"
                ),
                "q[updated_before]": to_front_seconds(
                    query.filters.get("updatedBefore"), "updatedBefore"
                ),
            },
        )

    async def list(self, api: FrontApi, query: ListQuery) -> MappedList:
        listed = await super().list(api, query)
        return MappedList(await _with_kept(api, listed.items), listed.next_cursor)

    async def retrieve(self, api: FrontApi, record_id: str) -> FrontItem:
        return (await _with_kept(api, [await super().retrieve(api, record_id)]))[0]

    async def create(
        self, api: FrontApi, fields: GenericContactFields, custom_fields: CustomFields
    ) -> FrontItem:
        handles = handles_for_create(fields)
        if not handles:
            raise InvalidInputError(
                "genericContact: Front needs an email or a phoneNumber to create a contact",
                fields=["fields.email", "fields.phoneNumber"],
            )
        body: FrontJSON = {"handles": handles, **self.front_body(fields)}
        name = written(fields.firstName, fields.lastName)
        if name.name:
            body["name"] = name.name
        body = with_custom(body, custom_fields)
        created = FrontItem(await api.request_json("POST", "/contacts", json=body))
        if not name.name:
            return created
        await _keep(api, str(created.front["id"]), name, current=None)
        return FrontItem(created.front, {KEPT: kept_related(name)})

    async def update_body(
        self, api: FrontApi, path: str, current: FrontJSON, fields: GenericContactFields
    ) -> FrontJSON:
        """The PATCH body; a name written in one half keeps the other half as it reads now,
        and the pair is kept before the PATCH (beside the split of the name Front still has)."""
        patch = self.front_body(fields)
        given = fields.model_fields_set
        if not given & {"firstName", "lastName"}:
            return patch
        record_id, now = str(current["id"]), current.get("name")
        first, last = split_name(now, (await _kept(api, [current])).get(record_id))
        name = written(
            fields.firstName if "firstName" in given else first,
            fields.lastName if "lastName" in given else last,
        )
        if name.name:
            await _keep(api, record_id, name, current=now if isinstance(now, str) else None)
        patch["name"] = name.name
        return patch

    async def delete(self, api: FrontApi, record_id: str, *, permanent: bool = False) -> None:
        await super().delete(api, record_id, permanent=permanent)
        if api.names is not None and record_id.startswith(self.id_prefixes):
            await api.names.forget(self.model, record_id)

    async def after_update(
        self, api: FrontApi, path: str, current: FrontJSON, fields: GenericContactFields
    ) -> None:
        """Swap the primary email / phone handle: add the new one first, then drop the old."""
        handles = current.get("handles") or []
        for name, source in HANDLE_SOURCES.items():
            if name not in fields.model_fields_set:
                continue
            old, new = first_handle(handles, source), getattr(fields, name)
            if old == new:
                continue
            if new:
                await api.request("POST", f"{path}/handles", json={"handle": new, "source": source})
            if old:
                await api.request(
                    "DELETE", f"{path}/handles", json={"handle": old, "source": source}
                )


async def _kept(api: FrontApi, contacts: list[FrontJSON]) -> dict[str, NameSplit]:
    """The split the connector wrote of each contact whose Front name is still the one written,
    by id (one query for them all)."""
    names = {str(c.get("id")): c.get("name") for c in contacts}
    current = {key: name for key, name in names.items() if isinstance(name, str) and name}
    book = api.names
    return await book.find(ContactMapper.model, current) if book and current else {}


async def _with_kept(api: FrontApi, found: list[FrontItem]) -> list[FrontItem]:
    """``found``, each with its kept split beside it (see :func:`_kept`)."""
    kept = await _kept(api, [item.front for item in found])
    if not kept:
        return found
    return [
        FrontItem(i.front, {**i.related, KEPT: kept_related(split)})
        if (split := kept.get(str(i.front.get("id")))) is not None
        else i
        for i in found
    ]


async def _keep(api: FrontApi, record_id: str, name: NameSplit, *, current: str | None) -> None:
    if api.names is not None:
        await api.names.keep(ContactMapper.model, record_id, name, current=current)
