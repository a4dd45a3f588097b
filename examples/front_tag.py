"""A custom unified model registered by a host: Front tags as ``frontTag`` records.

Register it in the settings (``custom_models = ["examples.front_tag:TagMapper"]``) or with
``connector.register_model(TagMapper())``; it is then served by the same operations,
manifest and host routes as the built-in models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from connector_front.errors import InvalidInputError
from connector_front.mappers.base import (
    CollectionMapper,
    CustomFields,
    FrontApi,
    FrontField,
    FrontItem,
)
from connector_front.models.base import UnifiedFields


class FrontTagFields(UnifiedFields):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = None
    color: str | None = None


class TagMapper(CollectionMapper):
    model = "frontTag"
    collection = "/tags"
    front_object = "tag"
    id_prefixes = ("tag_",)
    fields_model = FrontTagFields
    endpoints: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "list": ("GET /tags",),
        "retrieve": ("GET /tags/{tag_id}",),
        "create": ("POST /tags",),
    }
    not_supported: ClassVar[Mapping[str, str]] = {
        "update": "this example leaves renaming tags to Front (PATCH /tags/{id} via the proxy)",
        "delete": "this example leaves deleting tags to Front (DELETE /tags/{id} via the proxy)",
    }

    simple_fields: ClassVar[Mapping[str, FrontField]] = {
        "name": FrontField("name"),
        "description": FrontField("description"),
        "color": FrontField("highlight"),
    }
    """Unified field <-> Front tag key, read and written from this one table."""

    async def create(
        self, api: FrontApi, fields: FrontTagFields, custom_fields: CustomFields
    ) -> FrontItem:
        if not fields.name:
            raise InvalidInputError("frontTag: a tag needs a name", fields=["fields.name"])
        written = {key: value for key, value in self.front_body(fields).items() if value}
        body = {"description": "", **written}  # Front's POST /tags takes no nulls
        return FrontItem(await api.request_json("POST", "/tags", json=body))


async def _show() -> None:
    """List and create frontTag records on an embedded sandbox Front."""
    import json
    import tempfile
    from pathlib import Path

    from connector_front.dev.embedded import EmbeddedSandbox, connect_owner

    with tempfile.TemporaryDirectory() as folder:
        async with EmbeddedSandbox(Path(folder) / "tags.sqlite3") as env:
            assert env.connector is not None
            env.connector.register_model(TagMapper())
            await connect_owner(env.connector, "demo")  # every operation, frontTag's included
            tags = env.connector.connection("demo").resources("frontTag")
            page = await tags.list(limit=3)
            created = await tags.create({"name": "from-the-example", "color": "blue"})
            print(json.dumps([r.to_json() for r in [*page.data, created]], indent=2))


if __name__ == "__main__":  # python examples/front_tag.py
    import asyncio

    asyncio.run(_show())
