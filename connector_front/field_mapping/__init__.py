"""Field mapping: unified keys the host declares, filled from each owner's Front custom fields.

``declared`` reads the host's declarations, ``definitions`` Front's custom field definitions,
``compat`` says which Front field suits which key and checks values, ``resolve`` decides one
owner's mapping of one model (pure), ``choices`` reads an owner's new choices, ``stored``
keeps definitions, and ``service`` ties them to the connector.
"""

from connector_front.field_mapping.protocol import RecordMapping
from connector_front.field_mapping.table import FieldMapping

__all__ = ["FieldMapping", "RecordMapping"]
