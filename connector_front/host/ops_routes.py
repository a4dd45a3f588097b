"""What an operator's tools call: ``/metrics`` (Prometheus), ``/healthz``, ``/readyz``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus's text format."""


async def metrics(request: Request) -> Response:
    from connector_front.ops.exposition import scrape

    body = await scrape(request.app.state.connector)
    return Response(body, headers={"content-type": METRICS_TYPE})


def metrics_app(source: Any) -> Starlette:
    """An app answering ``GET /metrics`` alone (``serve``'s metrics port: no host key), its
    figures from ``source`` (closed when the app stops)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await source.aclose()

    app = Starlette(routes=[Route("/metrics", metrics, methods=["GET"])], lifespan=lifespan)
    app.state.connector = source
    return app


async def healthz(request: Request) -> Response:
    """The process answers (whatever its database does)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """200 when the plugin's checks (database, migrations) pass and its background jobs run;
    503 and what is wrong otherwise. Nothing about owners."""
    found: dict[str, str | None] = {}
    problems = getattr(request.app.state.connector, "problems", None)
    if problems is not None:
        found.update(await problems())
    jobs: dict[str, asyncio.Task[Any]] = getattr(request.app.state, "jobs", {})
    for name, task in jobs.items():
        found[name] = None if not task.done() else _ended(task)
    ready = all(problem is None for problem in found.values())
    checks = {name: {"ok": problem is None, "detail": problem} for name, problem in found.items()}
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


def _ended(task: asyncio.Task[Any]) -> str:
    if task.cancelled():
        return "stopped"
    error = task.exception()
    return "stopped" if error is None else f"stopped: {type(error).__name__}"
