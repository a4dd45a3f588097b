"""genericContact: a person the company talks to (a Front contact, ``crd_``)."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.types import Email, PhoneNumber


class GenericContactFields(UnifiedFields):
    firstName: str | None = Field(default=None, max_length=255)
    lastName: str | None = Field(default=None, max_length=255)
    email: Email | None = None
    phoneNumber: PhoneNumber | None = None
    description: str | None = None
