"""A custom field definition: what a host shows on a field-mapping screen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CustomFieldDefinition(BaseModel):
    id: str | None = Field(default=None, description="the Front custom field id (fld_)")
    name: str = Field(description="the Front custom field name: the value to map a key onto")
    type: str | None = Field(default=None, description="string, boolean, datetime, number, ...")
    description: str | None = None
    values: list[Any] | None = Field(default=None, description="allowed values of enum fields")
