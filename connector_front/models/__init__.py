"""Unified models: the record envelope and one fields model per unified model."""

from connector_front.models.base import UnifiedFields
from connector_front.models.generic_contact import GenericContactFields
from connector_front.models.record import Record, RecordPage, RecordWarning, ResourceRef

__all__ = [
    "GenericContactFields",
    "Record",
    "RecordPage",
    "RecordWarning",
    "ResourceRef",
    "UnifiedFields",
]
