"""genericUser: someone who works in the Front account (a teammate, ``tea_``)."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.types import Email


class GenericUserFields(UnifiedFields):
    firstName: str | None = Field(default=None, max_length=255)
    lastName: str | None = Field(default=None, max_length=255)
    email: Email | None = None
    username: str | None = Field(default=None, max_length=255)
    isAvailable: bool | None = None
