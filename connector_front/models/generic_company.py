"""genericCompany: an organisation the company works with (a Front account, ``acc_``)."""

from __future__ import annotations

from pydantic import Field

from connector_front.models.base import UnifiedFields
from connector_front.models.types import Domain


class GenericCompanyFields(UnifiedFields):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = None
    domains: list[Domain] | None = None
