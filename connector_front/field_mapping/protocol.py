"""What building and writing records asks of a field mapping, whichever kind it is."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from connector_front.models.record import RecordWarning


class RecordMapping(Protocol):
    """A mapping records are read and written through: the host's table by name
    (:class:`~connector_front.field_mapping.table.FieldMapping`) or one owner's
    (:class:`~connector_front.field_mapping.resolve.OwnerMapping`)."""

    def keys(self, model: str) -> Collection[str]:
        """The unified keys custom fields give a record of ``model`` (empty: none)."""
        ...

    def read(self, model: str, custom_fields: Mapping[str, Any]) -> dict[str, Any]:
        """Every key's value out of a Front ``custom_fields`` object (null when absent)."""
        ...

    def warnings(self, model: str) -> list[RecordWarning]:
        """What every record of ``model`` carries about keys that cannot be read."""
        ...

    def split_write(
        self, model: str, fields: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Written fields as (standard fields, Front ``custom_fields`` to merge); a mapped key
        that cannot be written is a 400."""
        ...
