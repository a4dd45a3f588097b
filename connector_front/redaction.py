"""Secrets in URLs (OAuth ``code`` and ``state``, tokens) are redacted from every log line.

Access logs print request lines with their query string, and httpx logs the URLs it calls:
the OAuth callback's and the authorization URL's query strings would otherwise land there.
"""

from __future__ import annotations

import logging
import re

SECRET_QUERY_PARAMETERS = (
    "code",
    "state",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "session",
)
REDACTED = "[redacted]"
_SECRET_VALUE = re.compile(
    r"(?P<name>(?:^|[?&;])(?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&#\s\"']*",
    re.IGNORECASE,
)
LOGGERS = (
    "uvicorn.access",
    "uvicorn.error",
    "uvicorn",
    "httpx",
    "httpcore.http11",
    "httpcore.connection",
    "connector_front",
)
"""Loggers whose records may carry request URLs (httpcore's DEBUG records hold the headers
of answers, a redirect's ``location`` with an OAuth code and state among them)."""


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters replaced by ``[redacted]``."""
    return _SECRET_VALUE.sub(lambda m: m.group("name") + REDACTED, text)


def _redacted(value: object) -> object:
    """A string argument redacted; another (httpx logs an ``httpx.URL``) replaced by its
    redacted text when that text holds a secret, else left as it is (``%d`` still works)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float) or value is None:
        return value
    text = str(value)
    clean = redact(text)
    return value if clean == text else clean


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and string arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def install_log_redaction() -> None:
    """Attach the filter to every logger that may print a URL (once per logger)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
