"""What log lines never hold: secrets in URLs, the host's keys, raw control characters.

Access logs print request lines with their query string, and httpx logs the URLs it calls:
the OAuth callback's and the authorization URL's query strings, or a host key a caller put
in a query by mistake, would otherwise land there. Request data in a log line (a path, a
header, a cursor) could hold CR / LF and forge log lines of its own: its control characters
are written as escapes (``\\r``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

SECRET_QUERY_PARAMETERS = (
    "code",
    "state",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "session",
    "key",
    "api_key",
    "apikey",
    "host_key",
    "password",
    "secret",
    "authorization",
)
REDACTED = "[redacted]"
_SECRET_VALUE = re.compile(
    r"(?P<name>(?:^|[?&;])(?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&#\s\"']*",
    re.IGNORECASE,
)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters that end or rewrite a log line (a tab is left as it is)."""
LOGGERS = ("uvicorn", "httpx", "httpcore", "connector_front")
"""Loggers (with the loggers under them) whose records may carry request URLs and request
data (httpcore's DEBUG records hold the headers of answers, a redirect's ``location`` with an
OAuth code and state among them)."""
_HIDDEN: set[str] = set()
"""Values written as ``[redacted]`` wherever they appear (the host's keys)."""
MIN_HIDDEN = 8
"""Shorter values are not hidden: they would blank ordinary words."""


def hide_values(values: Iterable[str]) -> None:
    """Redact ``values`` (the host's keys) from every log line from now on."""
    _HIDDEN.update(value for value in values if len(value) >= MIN_HIDDEN)


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters, and hidden values, replaced by
    ``[redacted]``."""
    text = _SECRET_VALUE.sub(lambda m: m.group("name") + REDACTED, text)
    for value in _HIDDEN:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def escape_controls(text: str) -> str:
    """``text`` with CR, LF and other control characters written as escapes (``\\r``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _cleaned(value: object) -> object:
    """A string argument redacted and escaped; another (httpx logs an ``httpx.URL``) replaced
    by its cleaned text when that differs, else left as it is (``%d`` still works)."""
    if isinstance(value, str):
        return escape_controls(redact(value))
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    clean = escape_controls(redact(text))
    return value if clean == text else clean


def clean_record(record: logging.LogRecord) -> None:
    """Redact a record's message and arguments, and escape the arguments' control characters
    (the message is the program's own: its line breaks are meant)."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_cleaned(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _cleaned(value) for key, value in record.args.items()}


class RedactingFilter(logging.Filter):
    """Cleans a record (:func:`clean_record`) before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        clean_record(record)
        return True


def _watched(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in LOGGERS)


def install_log_redaction() -> None:
    """Clean every record of :data:`LOGGERS` and the loggers under them as it is made (once
    per process). A filter on a logger would miss its children's records: a record factory
    sees them all."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacting", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if _watched(record.name):
            clean_record(record)
        return record

    marked: Callable[..., logging.LogRecord] = factory
    marked.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(marked)
