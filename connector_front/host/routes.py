"""Route handlers of the reference host (PRODUCT section 6). They know unified models only."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connector_front.errors import InvalidInputError, NotFoundError
from connector_front.host import connect_routes as connect
from connector_front.host import requests as read

PROXY_PASSTHROUGH = (
    "content-type",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
)
"""Front answer headers the proxy hands back to its caller."""


def _connector(request: Request) -> Any:
    return request.app.state.connector


async def manifest(request: Request) -> Response:
    return JSONResponse(_connector(request).manifest().model_dump(mode="json"))


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi())


async def create_connection(request: Request) -> Response:
    owner = request.path_params["owner_id"]
    body = await read.json_object(request)
    operations = body.get("operations")
    if not isinstance(operations, list) or not all(isinstance(o, str) for o in operations):
        raise InvalidInputError(
            'body must be {"operations": ["genericContact::list", ...]}', fields=["operations"]
        )
    connection = _connector(request).connection(owner)
    details, authorization = await connection.create_and_authorize(operations)
    return JSONResponse({**details.to_json(), "authorizationUrl": authorization.authorization_url})


async def oauth_callback(request: Request) -> Response:
    code, state = request.query_params.get("code"), request.query_params.get("state")
    if state:
        origin = connect.page_origin(await _connector(request).authorization_origin(state))
        if origin is not None:  # the connect page started it: the customer goes back there
            return await connect.callback(request, origin, state)
    if request.query_params.get("error"):
        raise InvalidInputError(
            f"Front did not authorize the connection: {request.query_params['error']}",
            fields=["error"],
        )
    if not code or not state:
        raise InvalidInputError(
            "the OAuth callback needs both code and state query parameters",
            fields=[name for name, value in (("code", code), ("state", state)) if not value],
        )
    owner = await _connector(request).complete_authorization(code, state)
    return JSONResponse({"ownerId": owner, "authorized": True})


async def connection_status(request: Request) -> Response:
    owner = request.path_params["owner_id"]
    status = await _connector(request).connection(owner).status()
    if status is None:
        raise NotFoundError(
            f"owner {owner!r} has no connection; create one with POST /connections/{{ownerId}} "
            "or a connect page session (POST /connect/sessions)"
        )
    return JSONResponse(status)


async def field_mapping(request: Request) -> Response:
    connection = _connector(request).connection(request.path_params["owner_id"])
    return JSONResponse(await connection.field_mapping())


async def set_field_mapping(request: Request) -> Response:
    connection = _connector(request).connection(request.path_params["owner_id"])
    body = await read.json_object(request)
    return JSONResponse(await connection.set_field_mapping(body))


async def disconnect(request: Request) -> Response:
    connection = _connector(request).connection(request.path_params["owner_id"])
    return JSONResponse(await connection.disconnect())


def _resources(request: Request) -> Any:
    connection = _connector(request).connection(read.owner_id(request))
    return connection.resources(request.path_params["model"])


async def list_records(request: Request) -> Response:
    resources = _resources(request)
    admission = await resources.admit("list")
    page = await resources.list(
        limit=read.limit(request),
        cursor=request.query_params.get("cursor"),
        filters=read.filters(request),
        raw=read.flag(request, "raw"),
        omit=read.names(request, "omit"),
        admission=admission,
    )
    return JSONResponse(page.to_json())


async def custom_fields(request: Request) -> Response:
    resources = _resources(request)
    definitions = await resources.custom_fields()
    warnings = await resources.mapping_problems()  # against the definitions just read
    return JSONResponse(
        {
            "object": "list",
            "data": [d.model_dump(mode="json") for d in definitions],
            "warnings": [w.model_dump() for w in warnings],
        }
    )


async def retrieve_record(request: Request) -> Response:
    record = await _resources(request).retrieve(
        request.path_params["id"], raw=read.flag(request, "raw")
    )
    return JSONResponse(record.to_json())


async def create_record(request: Request) -> Response:
    resources = _resources(request)
    admission = await resources.admit("create")  # 404, 405, 403 come before the body's faults
    fields = read.fields_of(await read.json_object(request))
    record = await resources.create(fields, raw=read.flag(request, "raw"), admission=admission)
    return JSONResponse(record.to_json(), status_code=201)


async def update_record(request: Request) -> Response:
    resources = _resources(request)
    admission = await resources.admit("update")
    fields = read.fields_of(await read.json_object(request))
    record = await resources.update(
        request.path_params["id"], fields, raw=read.flag(request, "raw"), admission=admission
    )
    return JSONResponse(record.to_json())


async def delete_record(request: Request) -> Response:
    resources = _resources(request)
    admission = await resources.admit("delete")
    permanent = read.flag(request, "permanent")
    await resources.delete(request.path_params["id"], permanent=permanent, admission=admission)
    return Response(status_code=204)


async def proxy(request: Request) -> Response:
    connection = _connector(request).connection(read.owner_id(request))
    content = await request.body() or None
    if content is not None and read.is_json(request):
        read.parse_json(content)  # the proxy's own limit: no invalid or too-deep JSON to Front
    answer = await connection.proxy(
        request.method,
        "/" + request.path_params["path"],
        params=dict(request.query_params),
        content=content,
        headers=dict(request.headers),
        link_base=str(request.base_url).rstrip("/") + "/proxy",
    )
    headers = {k: answer.headers[k] for k in PROXY_PASSTHROUGH if k in answer.headers}
    return Response(answer.content, status_code=answer.status_code, headers=headers)


async def application_webhook(request: Request) -> Response:
    answer = await _connector(request).webhooks.application(
        await request.body(), dict(request.headers)
    )
    return JSONResponse(answer.body, status_code=answer.status)


async def rule_webhook(request: Request) -> Response:
    answer = await _connector(request).webhooks.rule(
        request.path_params["name"], await request.body(), dict(request.headers)
    )
    return JSONResponse(answer.body, status_code=answer.status)


async def list_events(request: Request) -> Response:
    limit = read.limit(request)
    page = await _connector(request).events(
        after=request.query_params.get("after"),
        limit=100 if limit is None else limit,
        owner_id=request.query_params.get("owner") or read.optional_owner_id(request),
        model=request.query_params.get("model"),
    )
    return JSONResponse(page.to_json())


async def webhook_stats(request: Request) -> Response:
    connector = _connector(request)
    return JSONResponse(
        {
            "deliveries": await connector.deliveries.counts(),
            "events": await connector.event_log.count(),
            "outbox": await connector.event_log.outbox_counts(),
        }
    )
