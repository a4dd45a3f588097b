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

from connector_front.errors import ConfigurationError


class FieldMapping:
    """The validated mapping table. Unknown models and clashing keys are configuration errors."""

    def __init__(self, config: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._by_model: dict[str, dict[str, str]] = {}
        for model, mapping in (config or {}).items():
            if not isinstance(mapping, Mapping):
                raise ConfigurationError(
                    f"field mapping for {model!r} must be an object of unified key -> Front "
                    f"custom field name, got {type(mapping).__name__}"
                )
            table: dict[str, str] = {}
            for key, front_name in mapping.items():
                if (
                    not isinstance(key, str)
                    or not key
                    or not isinstance(front_name, str)
                    or not front_name
                ):
                    raise ConfigurationError(
                        f"field mapping {model}.{key!r}: both the unified key and the Front "
                        "custom field name must be non-empty strings"
                    )
                table[key] = front_name
            if len(set(table.values())) != len(table):
                raise ConfigurationError(
                    f"field mapping for {model}: two unified keys map to one Front custom field"
                )
            self._by_model[model] = table

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

    def to_json(self) -> dict[str, dict[str, str]]:
        return {model: dict(table) for model, table in self._by_model.items()}
