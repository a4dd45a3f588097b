"""Host-configured field mapping: unified key <-> Front custom field name, per model.

Config shape (JSON / TOML / Python)::

    {"genericContact": {"tier": "Tier", "accountManager": "Account manager"}}

Reads put the custom field's value under the unified key; writes send it back as that
custom field. Front replaces the whole ``custom_fields`` object on update, so mappers
merge the written keys into the current object; nothing else is erased.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class FieldMapping:
    """The mapping table, as validated by the settings (``ConnectorSettings.field_mapping``)."""

    def __init__(self, config: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._by_model = {model: dict(table) for model, table in (config or {}).items()}

    def for_model(self, model: str) -> Mapping[str, str]:
        """unified key -> Front custom field name for one model (empty when unmapped)."""
        return self._by_model.get(model, {})

    def models(self) -> list[str]:
        return sorted(self._by_model)

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
