"""A custom unified model registered by a host: Front tags as ``frontTag`` records.

Register it in the settings (``custom_models = ["examples.front_tag:TagMapper"]``) or with
``connector.register_model(TagMapper())``; it is then served by the same operations,
manifest and host routes as the built-in models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from connector_front.errors import InvalidInputError
from connector_front.mappers.base import (
    CollectionMapper,
    FrontApi,
    FrontJSON,
    Unified,
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

    def to_unified(self, front: Mapping[str, Any]) -> Unified:
        return Unified(
            id=str(front["id"]),
            fields={
                "name": front.get("name"),
                "description": front.get("description") or None,
                "color": front.get("highlight") or None,
            },
            created_at=front.get("created_at"),
            updated_at=front.get("updated_at"),
        )

    async def create(
        self, api: FrontApi, fields: Mapping[str, Any], custom_fields: Mapping[str, Any]
    ) -> FrontJSON:
        if not fields.get("name"):
            raise InvalidInputError("frontTag: a tag needs a name", fields=["fields.name"])
        body = {"name": fields["name"], "description": fields.get("description") or ""}
        if fields.get("color"):
            body["highlight"] = fields["color"]
        created: FrontJSON = await api.request("POST", "/tags", json=body)
        return created


async def _show() -> None:
    """List and create frontTag records on an embedded sandbox Front."""
    import json
    import tempfile
    from pathlib import Path

    from connector_front.embedded import EmbeddedSandbox, connect_owner

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
