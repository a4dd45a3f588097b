"""The reference host's Starlette app: routes, error handlers, the loaded connector."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from connector_front import __version__
from connector_front.errors import ConnectorError
from connector_front.host import errors
from connector_front.host.auth import HostAuth
from connector_front.host.browser import BrowserGuard, BrowserPolicy
from connector_front.host.config import HostConfig
from connector_front.host.limits import BodyLimits
from connector_front.host.loader import load_connector
from connector_front.host.openapi import OPERATIONS_KEY, build_openapi, documented_methods
from connector_front.host.table import CUSTOM_FIELDS, ROUTE_TABLE
from connector_front.host.telemetry import RequestTelemetry
from connector_front.util.redaction import hide_values, install_log_redaction

ROUTES = [entry.route() for entry in ROUTE_TABLE]
TEMPLATES = [(route, entry.template) for route, entry in zip(ROUTES, ROUTE_TABLE, strict=True)]
WEBHOOK_PREFIX = "/webhooks/"
"""Front's webhook deliveries may be larger than a unified record: they get their own limit."""


def create_app(
    connector: Any | None = None,
    *,
    default_owner: str | None = None,
    on_startup: Callable[[Any], Awaitable[None]] | None = None,
    background: Sequence[Callable[[Any], Coroutine[Any, Any, None]]] = (),
    config: HostConfig | None = None,
) -> Starlette:
    """The host app. Without a connector it loads ``front`` through its entry point.

    The plugin's ``astart()``, if it has one, and then ``on_startup(connector)`` run inside
    the server's event loop before the first request;
    the plugin's own ``background()`` jobs and each ``background(connector)`` then run as
    tasks until the server stops. ``config`` (keys, body limits) defaults to the one in the
    connector's settings.
    """
    plugin = connector if connector is not None else load_connector("front")
    host = config or HostConfig.from_settings(getattr(plugin, "settings", None))
    install_log_redaction()
    hide_values(host.keys)  # a key a caller put in a query string is never logged
    watch(host)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        start = getattr(plugin, "astart", None)
        if start is not None:
            await start()
        if on_startup is not None:
            await on_startup(plugin)
        jobs = [(job.__name__, job()) for job in getattr(plugin, "background", list)()]
        jobs += [(job.__name__, job(plugin)) for job in background]
        app.state.jobs = {name: asyncio.create_task(run, name=name) for name, run in jobs}
        tasks = list(app.state.jobs.values())
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await plugin.aclose()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(RequestTelemetry, routes=TEMPLATES),
            Middleware(BrowserGuard, policy=browser_policy(host)),
            Middleware(HostAuth, keys=host.keys),
            Middleware(
                BodyLimits,
                default=host.max_body_bytes,
                limits=[(WEBHOOK_PREFIX, host.webhook_max_body_bytes)],
                timeout=host.body_timeout,
            ),
        ],
        exception_handlers={
            ConnectorError: errors.connector_error,
            HTTPException: errors.http_error,
            Exception: errors.unexpected_error,
        },
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirect's Location repeats the Host header
    app.state.connector = plugin
    app.state.default_owner = default_owner
    app.state.host_config = host

    def openapi() -> dict[str, Any]:
        return build_openapi(
            ROUTE_TABLE, served=served(plugin), secured=bool(host.keys), version=__version__
        )

    def allowed_methods(path: str) -> list[str]:
        return documented_methods(ROUTE_TABLE, served(plugin), path)

    app.state.openapi = openapi
    app.state.allowed_methods = allowed_methods
    """Path -> the methods the document lists for it (a 405's ``Allow``)."""
    return app


def watch(config: HostConfig) -> None:
    """Count the connector's signals into the Prometheus metrics; trace, when the ``otel``
    extra is installed and the ``OTEL_*`` environment asks for it."""
    from connector_front.ops import metrics, tracing

    metrics.install(config.metrics_companies)
    tracing.install_from_environment()


def browser_policy(config: HostConfig) -> BrowserPolicy:
    """What the host's settings say of browsers: open without keys, its public origins."""
    return BrowserPolicy(
        open_host=not config.keys, public_origins=frozenset(config.public_origins)
    )


def served(plugin: Any) -> dict[str, list[str]]:
    """Operation (or ``custom_fields``) -> the models that support it, and ``operations`` ->
    every supported operation id; read off the manifest.
    """
    found: dict[str, list[str]] = {CUSTOM_FIELDS: [], OPERATIONS_KEY: []}
    for entry in plugin.manifest().models:
        if entry.customFields:
            found[CUSTOM_FIELDS].append(entry.model)
        for operation in entry.operations:
            if operation.supported:
                found.setdefault(operation.operation, []).append(entry.model)
                found[OPERATIONS_KEY].append(operation.id)
    return found
