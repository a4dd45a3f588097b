"""connector-front: Front behind unified models, for unified-API hosts."""

from connector_front.connection import Connection, Resources
from connector_front.connector import FrontConnector
from connector_front.errors import ConnectorError
from connector_front.settings import ConnectorSettings

__all__ = ["Connection", "ConnectorError", "ConnectorSettings", "FrontConnector", "Resources"]
__version__ = "0.1.0"
