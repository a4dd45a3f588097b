"""A field mapping by Front custom field name alone: unified key <-> name, per model.

Config shape (JSON / TOML / Python)::

    {"genericContact": {"tier": "Tier", "accountManager": "Account manager"}}

Reads put the custom field's value under the unified key; writes send it back as that
custom field. Front replaces the whole ``custom_fields`` object on update, so mappers
merge the written keys into the current object; nothing else is erased. This is what records
are built with where no owner's mapping and no definitions are at hand (tests, benchmarks);
connections use an :class:`~connector_front.field_mapping.resolve.OwnerMapping`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from connector_front.models.record import RecordWarning


class FieldMapping:
    """The mapping table, as validated by the settings (``ConnectorSettings.field_mapping``)."""

    def __init__(self, config: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._by_model = {model: dict(table) for model, table in (config or {}).items()}

    def for_model(self, model: str) -> Mapping[str, str]:
        """unified key -> Front custom field name for one model (empty when unmapped)."""
        return self._by_model.get(model, {})

    def models(self) -> list[str]:
        return sorted(self._by_model)

    def keys(self, model: str) -> Collection[str]:
        """The unified keys a record of ``model`` gets from custom fields."""
        return self.for_model(model).keys()

    def warnings(self, model: str) -> list[RecordWarning]:
        """A table by name has nothing to warn about: an absent field reads null."""
        return []

    def read(self, model: str, custom_fields: Mapping[str, Any]) -> dict[str, Any]:
        """Unified values out of a Front ``custom_fields`` object; absent ones are null."""
        return {key: custom_fields.get(name) for key, name in self.for_model(model).items()}

    def split_write(
        self, model: str, fields: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split written fields into (standard fields, Front custom_fields to merge)."""
        mapping = self.for_model(model)
        standard = {k: v for k, v in fields.items() if k not in mapping}
        custom = {mapping[k]: v for k, v in fields.items() if k in mapping}
        return standard, custom
