"""The Morph record envelope shared by every unified model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ResourceRef(BaseModel):
    """A link from one record to another: ``{"object": "resourceRef", "model", "id"}``."""

    model_config = ConfigDict(frozen=True)

    object: Literal["resourceRef"] = "resourceRef"
    model: str = Field(min_length=1)
    id: str = Field(min_length=1)


class RecordWarning(BaseModel):
    """A Front value that did not fit the unified field: the field became null, this says why."""

    field: str
    message: str


class Record(BaseModel):
    """One unified record: ``rawResource`` only on request, ``warnings`` only when any."""

    object: Literal["resource"] = "resource"
    model: str
    id: str
    fields: dict[str, Any]
    createdAt: datetime | None = None
    updatedAt: datetime | None = None
    rawResource: dict[str, Any] | None = None
    warnings: list[RecordWarning] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict; keeps null fields, drops the optional envelope keys when unset."""
        data = self.model_dump(mode="json")
        for key in ("rawResource", "warnings"):
            if data[key] is None:
                del data[key]
        return data


class RecordPage(BaseModel):
    """A page of a listing: ``next`` is the opaque cursor for the following page, or null."""

    object: Literal["list"] = "list"
    data: list[Record] = Field(default_factory=list)
    next: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"object": "list", "data": [r.to_json() for r in self.data], "next": self.next}


_JSON_NUMBERS = (float, int)


def from_front_timestamp(value: object) -> datetime | None:
    """Front timestamps are float seconds since the epoch; unified ones are UTC datetimes.
    None for anything else (a bool too), and for a number no date can hold (NaN, out of range)."""
    if type(value) not in _JSON_NUMBERS:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)  # type: ignore[arg-type]  # tz positional: cheaper
    except (OverflowError, ValueError, OSError):
        return None
