"""The optional parts of the install (pip extras): the modules each one brings, and the error
that names the extra to install when something needs one that is missing."""

from __future__ import annotations

from importlib import import_module

from connector_front.errors import ConfigurationError

DISTRIBUTION = "connector-front"

EXTRAS: dict[str, tuple[str, ...]] = {
    "host": ("starlette", "uvicorn", "rich", "prometheus_client"),
    "postgres": ("psycopg", "psycopg_pool"),
    "otel": ("opentelemetry",),
}
"""Each extra of ``pyproject.toml`` and the top-level modules it installs (a test holds the
two to agree). The plugin itself needs none of them."""


class MissingExtraError(ConfigurationError):
    """Something needs an extra that is not installed: the message says which, and how."""


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here."""
    missing = []
    for module in EXTRAS[extra]:
        try:
            import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def require_extra(extra: str, needed_by: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` imports; ``needed_by``
    names what needs it (a command, a setting)."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtraError(
            f"{needed_by} needs the {extra!r} extra ({', '.join(missing)} not installed): "
            f"pip install '{DISTRIBUTION}[{extra}]'"
        )
