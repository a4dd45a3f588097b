"""The test control surface under `/_sandbox/` (no auth; not part of Front).

Each route is a thin HTTP face of a `SandboxState` method, so in-process
tests and out-of-process clients steer the sandbox the same way.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .errors import FrontError
from .faults import FaultSpecError
from .generators import GENERATORS
from .settings_changes import create_record, delete_record, update_record
from .simulate import SIMULATIONS, simulate
from .state import SandboxState

AdminHandler = Callable[[SandboxState, Any], Response]


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise FrontError(400, "The request body is not valid JSON") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise FrontError(400, "The request body must be a JSON object")
    return body


def add_fault(state: SandboxState, body: Any) -> Response:
    try:
        return JSONResponse(state.add_fault(_object(body)), status_code=201)
    except FaultSpecError as exc:
        raise FrontError(400, str(exc)) from None


def list_faults(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.list_faults())


def clear_faults(state: SandboxState, body: Any) -> Response:
    state.clear_faults()
    return Response(status_code=204)


def expire_tokens(state: SandboxState, body: Any) -> Response:
    return JSONResponse({"expired": state.expire_tokens()})


def revoke_tokens(state: SandboxState, body: Any) -> Response:
    return JSONResponse({"revoked": state.revoke_refresh_tokens()})


def stats(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.stats())


def requests(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.requests())


def clear_requests(state: SandboxState, body: Any) -> Response:
    state.clear_requests()
    return Response(status_code=204)


def get_config(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.runtime_settings())


def set_config(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.configure(_object(body)))


SEED_IDS_UP_TO = 1000
"""Seed answers list the new ids up to this many; beyond, the first and last id only."""


def seeder(kind: str) -> AdminHandler:
    """``POST /_sandbox/seed/{kind}`` ``{"count": N}``: N more generated records of ``kind``."""

    def handler(state: SandboxState, body: Any) -> Response:
        ids = state.seed(kind, _object(body).get("count", 0))
        answer: dict[str, Any] = {"created": len(ids), "count": len(ids)}
        if len(ids) <= SEED_IDS_UP_TO:
            answer["ids"] = ids
        else:
            answer.update(first=ids[0], last=ids[-1])
        return JSONResponse(answer, status_code=201)

    return handler


def reset(state: SandboxState, body: Any) -> Response:
    state.reset(keep_tokens=bool(_object(body).get("keep_tokens", False)))
    return JSONResponse({"reset": True})


def get_clock(state: SandboxState, body: Any) -> Response:
    return JSONResponse({"now": state.now(), "offset": state.clock.offset})


def advance_clock(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.advance_clock(_object(body).get("advance")))


def merge(state: SandboxState, body: Any) -> Response:
    data = _object(body)
    source, target = data.get("from"), data.get("into")
    if not isinstance(source, str) or not isinstance(target, str):
        raise FrontError(400, "from and into must be conversation ids")
    state.merge_conversations(source, target)
    return JSONResponse({"merged": source, "into": target})


def get_webhooks(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.webhook_settings())


def set_webhooks(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.set_webhook(_object(body)))


def deliveries(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.webhooks.deliveries())


def clear_deliveries(state: SandboxState, body: Any) -> Response:
    state.webhooks.clear_deliveries()
    return Response(status_code=204)


def drain_webhooks(state: SandboxState, body: Any) -> Response:
    timeout = _object(body).get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        raise FrontError(400, "timeout must be a number of seconds between 0 and 60")
    return JSONResponse({"drained": state.webhooks.drain(float(timeout))})


def add_rule(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.add_rule(_object(body)), status_code=201)


def list_rules(state: SandboxState, body: Any) -> Response:
    return JSONResponse(state.webhook_settings()["rules"])


def clear_rules(state: SandboxState, body: Any) -> Response:
    state.clear_rules()
    return Response(status_code=204)


def simulation(what: str) -> AdminHandler:
    def run(state: SandboxState, body: Any) -> Response:
        return JSONResponse(simulate(state, what, _object(body)), status_code=201)

    return run


def _settings_change(
    change: Callable[..., dict[str, Any]], *names: str, status: int = 200
) -> AdminHandler:
    """A change a person makes in Front's settings: ``{"kind", "id"?, "set"?}``."""

    def handler(state: SandboxState, body: Any) -> Response:
        data = _object(body)
        with state.lock:
            answer = change(state.db, data.get("kind"), *(data.get(name) for name in names))
        return JSONResponse(answer, status_code=status)

    return handler


# (method, path under /_sandbox, handler)
ADMIN_TABLE: list[tuple[str, str, AdminHandler]] = [
    ("POST", "/faults", add_fault),
    ("GET", "/faults", list_faults),
    ("DELETE", "/faults", clear_faults),
    ("POST", "/tokens/expire", expire_tokens),
    ("POST", "/tokens/revoke", revoke_tokens),
    ("GET", "/stats", stats),
    ("GET", "/requests", requests),
    ("DELETE", "/requests", clear_requests),
    ("GET", "/config", get_config),
    ("POST", "/config", set_config),
    *[("POST", f"/seed/{kind}", seeder(kind)) for kind in GENERATORS],
    ("POST", "/reset", reset),
    ("GET", "/clock", get_clock),
    ("POST", "/clock", advance_clock),
    ("POST", "/conversations/merge", merge),
    ("GET", "/webhooks", get_webhooks),
    ("POST", "/webhooks", set_webhooks),
    ("GET", "/webhooks/deliveries", deliveries),
    ("DELETE", "/webhooks/deliveries", clear_deliveries),
    ("POST", "/webhooks/drain", drain_webhooks),
    ("POST", "/rules", add_rule),
    ("GET", "/rules", list_rules),
    ("DELETE", "/rules", clear_rules),
    *[("POST", f"/simulate/{what}", simulation(what)) for what in SIMULATIONS],
    ("POST", "/records/update", _settings_change(update_record, "id", "set")),
    ("POST", "/records/delete", _settings_change(delete_record, "id")),
    ("POST", "/records/create", _settings_change(create_record, "set", status=201)),
]


def _endpoint(
    state: SandboxState, handler: AdminHandler
) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        # off the event loop: a handler may wait on the lock or on a webhook endpoint
        return await run_in_threadpool(handler, state, await _json_body(request))

    return run


def admin_routes(state: SandboxState) -> list[Route]:
    return [
        Route(f"/_sandbox{path}", _endpoint(state, handler), methods=[method])
        for method, path, handler in ADMIN_TABLE
    ]
