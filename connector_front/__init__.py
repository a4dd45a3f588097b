"""connector-front: Front behind unified models, for unified-API hosts.

Exports load on first use, so importing a subpackage (the sandbox, say) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connector_front.connection import Connection, Resources
    from connector_front.connector import FrontConnector
    from connector_front.errors import ConnectorError
    from connector_front.settings import ConnectorSettings

_EXPORTS = {
    "Connection": "connector_front.connection",
    "Resources": "connector_front.connection",
    "FrontConnector": "connector_front.connector",
    "ConnectorError": "connector_front.errors",
    "ConnectorSettings": "connector_front.settings",
}

__all__ = ["Connection", "ConnectorError", "ConnectorSettings", "FrontConnector", "Resources"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'connector_front' has no attribute {name!r}")
