"""Sandbox Front: a local, stateful, Front-compatible HTTP API for demos and tests.

It answers like Front's Core API (paths, status codes, JSON shapes, OAuth,
rate-limit headers) and adds a control surface under `/_sandbox/` for faults,
token expiry, its clock (`SandboxClock`, moved ahead instead of sleeping) and
inspection. It imports nothing from the rest of `connector_front`, so tests never
check the connector against itself.

    from connector_front.sandbox import SandboxConfig, SandboxServer
    with SandboxServer(SandboxConfig(access_token_ttl=1.0)) as server:
        ...  # server.url, server.state
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import SandboxApp, create_app
    from .clock import SandboxClock
    from .config import SandboxConfig
    from .server import SandboxServer, serve
    from .state import SandboxState

_EXPORTS = {
    "SandboxApp": ".app",
    "create_app": ".app",
    "SandboxClock": ".clock",
    "SandboxConfig": ".config",
    "SandboxServer": ".server",
    "serve": ".server",
    "SandboxState": ".state",
}
"""Loaded on first use: the sandbox's settings and generators import without its web server
(the host extra), so a command line built from them runs on the core install."""

__all__ = [
    "SandboxApp",
    "SandboxClock",
    "SandboxConfig",
    "SandboxServer",
    "SandboxState",
    "create_app",
    "serve",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
