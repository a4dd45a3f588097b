"""How the host declares a unified key in its settings (``[connector_front.field_keys.<model>]``).

A declared key has a type, for an enum its values, and optionally the Front custom field it
maps to by default (by name) and a label for people. The short form of ``field_mapping``
(``priority = "Priority"``) declares a key with a default and a type learnt elsewhere (see
``declared``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

KeyType = Literal["string", "number", "boolean", "datetime", "enum", "teammate", "inbox"]
"""What a declared key holds: Front's custom field types."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class FieldKeySetting(BaseModel):
    """One declared key, as written in the settings."""

    model_config = ConfigDict(extra="forbid")

    type: KeyType = Field(description="string, number, boolean, datetime, enum, teammate, inbox")
    values: list[Text] | None = Field(default=None, description="an enum's values")
    default: Text | None = Field(
        default=None, description="the Front custom field (by name) it maps to by default"
    )
    label: Text | None = Field(default=None, description="what people call it (connect page)")

    @model_validator(mode="after")
    def _values_for_enums_only(self) -> FieldKeySetting:
        if self.type == "enum" and not self.values:
            raise ValueError('an enum key needs its values, e.g. values = ["Low", "High"]')
        if self.type != "enum" and self.values is not None:
            raise ValueError(f"values are for enum keys only, and this key is a {self.type}")
        if self.values is not None and len(set(self.values)) != len(self.values):
            raise ValueError("an enum key's values must differ from one another")
        return self
