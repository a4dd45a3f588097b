"""Load a connector plugin through its entry point, the way any host would."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from connector_front.errors import ConfigurationError

ENTRY_POINT_GROUP = "unified_api.connectors"


def load_connector(name: str = "front", *args: Any, **kwargs: Any) -> Any:
    """Instantiate the connector registered under ``name``; arguments go to its constructor."""
    found = entry_points(group=ENTRY_POINT_GROUP, name=name)
    if not found:
        raise ConfigurationError(
            f"no connector {name!r} in entry point group {ENTRY_POINT_GROUP!r}; install the "
            "connector-front distribution (pip install -e .) so its entry point is registered"
        )
    factory = next(iter(found)).load()
    return factory(*args, **kwargs)
