"""Log lines as JSON objects, one a line, each with the context of the work it was written in:
time, level, logger, message, owner, model, operation, lane and the host request's id.

Records are redacted as they are made (``connector_front.util.redaction``), whatever the format;
an exception's text is redacted here too.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any, Literal

from connector_front import observe
from connector_front.transport.lanes import declared_lane
from connector_front.util.redaction import install_log_redaction, redact

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_current: list[LogFormat] = ["text"]


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``owner``, ``model``, ``operation``, ``lane`` and
    ``request_id`` are null outside such work (a line names a lane only inside work that runs
    in one: a request to Front, a background job's block)."""

    def format(self, record: logging.LogRecord) -> str:
        work = observe.work()
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "owner": observe.owner(),
            "model": None if work.model == observe.context.NONE else work.model,
            "operation": None if work.operation == observe.context.NONE else work.operation,
            "lane": declared_lane(),
            "request_id": observe.request_id(),
        }
        if record.exc_info:
            body["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(body, ensure_ascii=False, default=str)


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any] | None:
    """A ``logging.config.dictConfig`` for the host (uvicorn's ``log_config``): in ``json``,
    every logger (uvicorn's access and error logs too) writes JSON lines to stderr. None in
    ``text``: uvicorn's own configuration, as before."""
    if log_format == "text":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{JsonFormatter.__module__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True} for name in UVICORN_LOGGERS
        },
        "root": {"handlers": ["stderr"], "level": level},
    }


def configure(log_format: LogFormat) -> None:
    """Set this process's logging up for ``log_format`` (nothing to do for ``text``)."""
    install_log_redaction()
    _current[0] = log_format
    config = logging_config(log_format)
    if config is not None:
        logging.config.dictConfig(config)


def current() -> LogFormat:
    """The format :func:`configure` set (``text`` until then)."""
    return _current[0]
