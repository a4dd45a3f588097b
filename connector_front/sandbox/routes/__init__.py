"""Front API routes the sandbox serves, one module per resource.

Each module exposes `ROUTES`: rows of (method, path as in Front's spec, handler).
`custom_fields` comes first so `/contacts/custom_fields` wins over `/contacts/{id}`.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    accounts,
    contacts,
    conversations,
    custom_fields,
    events,
    inboxes,
    links,
    me,
    statuses,
    tags,
    teammates,
    threads,
)

ROUTE_MODULES: tuple[ModuleType, ...] = (
    custom_fields,
    me,
    contacts,
    accounts,
    teammates,
    inboxes,
    conversations,
    threads,
    links,
    tags,
    statuses,
    events,
)
