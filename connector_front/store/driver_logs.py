"""The database drivers' own log records never carry a statement's parameters.

aiosqlite logs every call it runs at DEBUG as the call itself, arguments and all: the SQL
and its parameters, access and refresh tokens among them. Its records keep the call's name
only. (psycopg logs connection attempts and pool tasks, never a statement's parameters.)
"""

from __future__ import annotations

import functools
import logging

DRIVER_LOGGER = "aiosqlite"


class CallsByNameOnly(logging.Filter):
    """Replaces a call (``functools.partial``) among a record's arguments by its name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_named(arg) for arg in record.args)
        return True


def _named(value: object) -> object:
    if not isinstance(value, functools.partial):
        return value
    call = value.func
    return f"{getattr(call, '__qualname__', type(call).__name__)}(...)"


def hide_statement_parameters() -> None:
    """Attach the filter to aiosqlite's logger (once)."""
    logger = logging.getLogger(DRIVER_LOGGER)
    if not any(isinstance(f, CallsByNameOnly) for f in logger.filters):
        logger.addFilter(CallsByNameOnly())
