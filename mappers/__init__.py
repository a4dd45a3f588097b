"""One mapper per unified model: Front JSON <-> unified fields, and the Front endpoints used.

Installed as ``connector_front.mappers``. Mappers never import transport, host or sandbox:
they reach Front only through the small :class:`FrontApi` protocol.
"""

from .base import FrontApi, FrontPage, ListQuery, MappedList, Mapper, Unified
from .generic_contact import ContactMapper

BUILTIN_MAPPERS: tuple[type[Mapper], ...] = (ContactMapper,)
"""Every mapper shipped with the connector, in manifest order."""

__all__ = [
    "BUILTIN_MAPPERS",
    "ContactMapper",
    "FrontApi",
    "FrontPage",
    "ListQuery",
    "MappedList",
    "Mapper",
    "Unified",
]
