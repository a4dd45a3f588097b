"""The host's OpenAPI 3.1 document, built from the route table and the pydantic models.

A ``{model}`` route is written out once per model that supports its operation
(``/resources/genericContact/{id}``...), so the document offers no call the connector
would refuse as unsupported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from connector_front.host.auth import is_open
from connector_front.host.requests import OWNER_HEADER
from connector_front.host.schemas import ErrorBody
from connector_front.host.table import HostRoute

REF = "#/components/schemas/{model}"
MODEL = "{model}"
_PARAM = re.compile(r"\{(\w+)\}")
SchemaRefs = dict[tuple[Any, JsonSchemaMode], Any]
"""(pydantic model, validation or serialization) -> its $ref schema."""
OPERATIONS_KEY = "operations"
"""``served`` key listing every supported operation id (for ``POST /connections``)."""


def _schemas(routes: Iterable[HostRoute]) -> tuple[SchemaRefs, dict[str, Any]]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {
        (ErrorBody, "serialization"): None
    }
    for route in routes:
        if route.body is not None:
            wanted[(route.body, "validation")] = None
        if route.answer is not None:
            wanted[(route.answer, "serialization")] = None
    refs, definitions = models_json_schema(list(wanted), ref_template=REF)
    found: SchemaRefs = dict(refs)
    return found, definitions.get("$defs", {})


def _operation_id(method: str, path: str) -> str:
    """``get_resources_genericcontact_id`` for ``GET /resources/genericContact/{id}``."""
    return f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}"


def _paths(route: HostRoute, served: Mapping[str, Sequence[str]]) -> Iterator[str]:
    """The concrete paths of a route: one per served model for a ``{model}`` route."""
    models = served.get(route.serves) if route.serves else None
    if MODEL not in route.template or models is None:
        yield route.template
        return
    for model in models:
        yield route.template.replace(MODEL, model)


def _pattern(route: HostRoute, path: str) -> re.Pattern[str]:
    """The concrete paths a documented path stands for: a parameter is one segment, the
    proxy's ``{path:path}`` any number."""
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", path):
        pattern += re.escape(literal)
        if name:
            pattern += ".+" if f"{{{name}:path}}" in route.path else "[^/]+"
    return re.compile(pattern)


def documented_methods(
    routes: Sequence[HostRoute], served: Mapping[str, Sequence[str]], path: str
) -> list[str]:
    """The methods the document lists for a request path (its ``Allow``), from the documented
    paths it matches with the fewest parameters (``/connect/sessions`` before
    ``/connect/{owner_id}``); HEAD with GET, as the host answers it. Empty when no documented
    path matches."""
    found: dict[int, set[str]] = {}
    for route in routes:
        for documented in _paths(route, served):
            if _pattern(route, documented).fullmatch(path):
                found.setdefault(documented.count("{"), set()).update(route.methods)
    if not found:
        return []
    methods = found[min(found)]
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


def _body_schema(route: HostRoute, refs: SchemaRefs, served: Mapping[str, Sequence[str]]) -> Any:
    schema = refs[(route.body, "validation")]
    if route.body_operations and served.get(OPERATIONS_KEY):
        item = {"type": "string", "enum": list(served[OPERATIONS_KEY])}
        return {"allOf": [schema], "properties": {"operations": {"items": item}}}
    return schema


def _operation(
    route: HostRoute,
    method: str,
    path: str,
    refs: SchemaRefs,
    served: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in _PARAM.findall(path)
    ]
    parameters += [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": dict(q.schema),
        }
        for q in route.query
    ]
    if route.owner:
        parameters.append(
            {
                "name": OWNER_HEADER,
                "in": "header",
                "required": False,
                "description": "the connection's owner id (the host's default owner if absent "
                "or empty)",
                "schema": {"type": "string"},
            }
        )
    error = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    responses: dict[str, Any] = {}
    if route.html:
        page = {"text/html": {"schema": {"type": "string"}}}
        if route.methods != ("POST",):
            responses[str(route.status)] = {"description": route.summary, "content": page}
        responses["default"] = {
            "description": "a page saying what was refused (limits answer JSON errors)",
            "content": {**page, **error},
        }
    elif route.media is not None:
        content = {route.media: {"schema": {"type": "string"}}}
        responses[str(route.status)] = {"description": route.summary, "content": content}
        responses["default"] = {"description": "an error", "content": error}
    elif route.answer is not None:
        content = {"application/json": {"schema": refs[(route.answer, "serialization")]}}
        for status in (route.status, *route.also):
            responses[str(status)] = {"description": route.summary, "content": content}
        responses["default"] = {"description": "an error", "content": error}
    elif route.status == 204:
        responses["204"] = {"description": "done"}
        responses["default"] = {"description": "an error", "content": error}
    else:
        responses["default"] = {"description": "Front's own answer, or a host error"}
    if route.redirects is not None:
        responses["303"] = {
            "description": route.redirects,
            "headers": {"location": {"schema": {"type": "string"}}},
        }
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": _operation_id(method, path),
        "parameters": parameters,
        "responses": responses,
    }
    if route.body is not None:
        media = "application/x-www-form-urlencoded" if route.html else "application/json"
        operation["requestBody"] = {
            "required": True,
            "content": {media: {"schema": _body_schema(route, refs, served)}},
        }
    if is_open(method, route.template):
        operation["security"] = []
    return operation


def build_openapi(
    routes: Sequence[HostRoute],
    *,
    served: Mapping[str, Sequence[str]] | None = None,
    secured: bool = True,
    version: str = "0",
) -> dict[str, Any]:
    """The document: every route of the table; with ``secured``, the host key as bearer auth.

    ``served`` maps what a route ``serves`` (an operation, or ``custom_fields``) to the models
    that support it, and ``operations`` to every supported operation id.
    """
    served = served or {}
    refs, definitions = _schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        for path in _paths(route, served):
            for method in route.methods:
                paths.setdefault(path, {})[method.lower()] = _operation(
                    route, method, path, refs, served
                )
    components: dict[str, Any] = {"schemas": definitions}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "connector-front reference host", "version": version},
        "paths": paths,
        "components": components,
    }
    if secured:
        document["security"] = [{"hostKey": []}]
        components["securitySchemes"] = {
            "hostKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "a key of CONNECTOR_FRONT_HOST_KEY",
            }
        }
    return document
