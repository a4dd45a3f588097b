"""The reference host's Starlette app: routes, error handlers, the loaded connector."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Route

from connector_front.errors import ConnectorError
from connector_front.host import errors, routes
from connector_front.host.loader import load_connector

ROUTES = [
    Route("/connectors/front", routes.manifest, methods=["GET"]),
    Route("/connections/{owner_id}", routes.create_connection, methods=["POST"]),
    Route("/oauth/callback", routes.oauth_callback, methods=["GET"]),
    Route("/resources/{model}", routes.list_records, methods=["GET"]),
    Route("/resources/{model}", routes.create_record, methods=["POST"]),
    Route("/resources/{model}/custom-fields", routes.custom_fields, methods=["GET"]),
    Route("/resources/{model}/{id}", routes.retrieve_record, methods=["GET"]),
    Route("/resources/{model}/{id}", routes.update_record, methods=["PATCH"]),
    Route("/resources/{model}/{id}", routes.delete_record, methods=["DELETE"]),
    Route("/proxy/{path:path}", routes.proxy, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    Route("/webhooks/front", routes.application_webhook, methods=["POST"]),
    Route("/webhooks/front/rules/{name}", routes.rule_webhook, methods=["POST"]),
    Route("/webhooks/stats", routes.webhook_stats, methods=["GET"]),
    Route("/events", routes.list_events, methods=["GET"]),
]


def create_app(
    connector: Any | None = None,
    *,
    default_owner: str | None = None,
    on_startup: Callable[[Any], Awaitable[None]] | None = None,
    background: Sequence[Callable[[Any], Coroutine[Any, Any, None]]] = (),
) -> Starlette:
    """The host app. Without a connector it loads ``front`` through its entry point.

    ``on_startup(connector)`` runs inside the server's event loop before the first request;
    each ``background(connector)`` then runs as a task until the server stops.
    """
    plugin = connector if connector is not None else load_connector("front")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if on_startup is not None:
            await on_startup(plugin)
        jobs = [job() for job in getattr(plugin, "background", list)()]
        tasks = [asyncio.create_task(job) for job in [*jobs, *(job(plugin) for job in background)]]
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
        exception_handlers={
            ConnectorError: errors.connector_error,
            HTTPException: errors.http_error,
            Exception: errors.unexpected_error,
        },
        lifespan=lifespan,
    )
    app.state.connector = plugin
    app.state.default_owner = default_owner
    return app
