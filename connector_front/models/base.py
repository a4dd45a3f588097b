"""The base of every unified fields model: closed (unknown keys are an error), all optional."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class UnifiedFields(BaseModel):
    """Fields of a unified model. Every field is optional: Front may not have it (then null).

    Unknown keys are refused so that a typo in a write is a 400, not a silent no-op.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
