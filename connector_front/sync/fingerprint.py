"""What a record looked like when last seen: its ``updatedAt``, or a hash of its fields."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from connector_front.models.record import Record

Fingerprint = Callable[[Record], str]


def content_hash(fields: Mapping[str, Any]) -> str:
    """A short stable hash of the unified fields (canonical JSON: sorted keys, no spaces)."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def updated_stamp(record: Record) -> str:
    """Front's own change stamp when it gives one; the content hash otherwise."""
    if record.updatedAt is not None:
        return record.updatedAt.isoformat()
    return content_hash(record.fields)


def content_of(record: Record) -> str:
    return content_hash(record.fields)
