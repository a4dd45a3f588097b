"""The reference host: the Morph-style HTTP surface over any loaded connector plugin.

Its exports load on first use: :func:`load_connector` serves commands that run on the core
install, without the host extra's web server.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connector_front.host.app import create_app
    from connector_front.host.loader import load_connector

_EXPORTS = {
    "create_app": "connector_front.host.app",
    "load_connector": "connector_front.host.loader",
}

__all__ = ["create_app", "load_connector"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
