"""``serve --workers N``: N host processes (uvicorn workers) on one shared database.

uvicorn starts each worker in a fresh process, so a worker cannot receive the parent's objects:
the parent checks the setup, puts what the command line said into the environment
(:data:`SERVE_ENVIRONMENT`, plus the ``FRONT_API_*`` variables the settings read, and the
directory where the workers' metrics meet) and each worker builds its own app from it with
:func:`app`. Without ``serve``, ``uvicorn --factory
connector_front.commands.workers:app --workers N`` builds the same app from the settings in the
environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from connector_front.errors import ConfigurationError, ConnectorError
from connector_front.host.protocol import HeaderTimeoutH11
from connector_front.settings import VARIABLE, ConnectorSettings
from connector_front.store import parse_database

SERVE_ENVIRONMENT = "CONNECTOR_FRONT_SERVE"
"""The variable a worker reads its command line from (JSON of :class:`WorkerSetup`)."""

APP_FACTORY = "connector_front.commands.workers:app"
PROTOCOL = "connector_front.commands.workers:WorkerH11"


@dataclass(frozen=True)
class WorkerSetup:
    """What ``serve`` was told, as each worker needs it (no secret: those stay in settings)."""

    config: str | None
    owner: str | None
    sync_interval: float | None
    header_timeout: float
    log_format: str = "text"


def check_workers(workers: int, *, sandbox: bool, settings: ConnectorSettings) -> None:
    """Refuse a setup several processes cannot share, with what to do instead."""
    if workers < 1:
        raise ConfigurationError(f"--workers must be 1 or more, got {workers}")
    if workers == 1:
        return
    if sandbox:
        raise ConfigurationError(
            f"--workers {workers} cannot run with --sandbox: the embedded sandbox and its "
            "temporary database live inside one process. Run `connector-front sandbox` on its "
            "own and point the workers at it (FRONT_API_BASE, FRONT_TOKEN_URL, ...), or drop "
            "--workers"
        )
    parse_database(settings.database)  # a ConfigurationError naming the setting when unusable


def hand_over(args: Any, settings: ConnectorSettings) -> None:
    """Put ``args`` where the workers read them: :data:`SERVE_ENVIRONMENT` and, for
    ``--api-base/--api-token``, the variables the settings already read."""
    setup = WorkerSetup(
        config=str(args.config.resolve()) if args.config else None,
        owner=args.owner,
        sync_interval=args.sync_interval,
        header_timeout=settings.header_timeout,
        log_format=args.log_format,
    )
    os.environ[SERVE_ENVIRONMENT] = json.dumps(asdict(setup))
    for name in ("api_base", "api_token"):
        value = getattr(args, name, None)
        if value:
            os.environ[VARIABLE[name]] = value


def _setup() -> WorkerSetup:
    """What ``serve`` handed over; without it (a plain ``uvicorn --factory`` command) the
    settings from the environment alone."""
    text = os.environ.get(SERVE_ENVIRONMENT)
    if not text:
        timeout = ConnectorSettings.load().header_timeout
        return WorkerSetup(config=None, owner=None, sync_interval=None, header_timeout=timeout)
    try:
        return WorkerSetup(**json.loads(text))
    except (ValueError, TypeError):
        raise ConfigurationError(
            f"{SERVE_ENVIRONMENT} is not what `connector-front serve --workers N` sets; unset it "
            "to read the settings from the environment alone"
        ) from None


def _header_timeout() -> float:
    try:
        return _setup().header_timeout
    except ConnectorError:  # the app factory reports it, with the rest of the settings
        return HeaderTimeoutH11.header_timeout


def app() -> Any:
    """The host app of one worker process (uvicorn's app factory)."""
    from connector_front.commands import sync
    from connector_front.host import create_app
    from connector_front.host.loader import load_connector
    from connector_front.ops import logs, multiprocess

    shared = multiprocess.join_supervisor()  # uvicorn's own --workers: before any metric
    setup = _setup()
    settings = ConnectorSettings.load(setup.config)
    if "json" in (setup.log_format, settings.log_format):
        logs.configure("json")
    # the workers share the database: budgets (with pacing "auto") and walk notes go in it
    connector = load_connector("front", settings, shared_database=True)
    jobs = sync.serve_jobs(setup.sync_interval, connector)
    host = create_app(connector, default_owner=setup.owner, background=jobs)
    if shared is not None:
        host.router.lifespan_context = _leaving(host.router.lifespan_context, shared)
    return host


def _leaving(lifespan: Any, shared: Path) -> Any:
    """``lifespan``, then this worker leaves the metrics directory it shares (the last to
    leave removes it), in the app's shutdown, which uvicorn runs in each worker it stops."""
    from connector_front.ops import multiprocess

    @asynccontextmanager
    async def leaving(app: Any) -> AsyncIterator[Any]:
        try:
            async with lifespan(app) as state:
                yield state
        finally:
            multiprocess.leave(shared)

    return leaving


class WorkerH11(HeaderTimeoutH11):
    """The host's HTTP protocol in a worker: its header deadline handed over by ``serve``."""

    header_timeout = _header_timeout()


def run_workers(args: Any, workers: int) -> None:
    """Serve with ``workers`` processes; returns when uvicorn's supervisor stops."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from connector_front.ops.logs import logging_config

    logs = logging_config(args.log_format)

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        workers=workers,
        host=args.host,
        port=args.port,
        log_level="info",
        http=PROTOCOL,
        log_config=LOGGING_CONFIG if logs is None else logs,
    )
