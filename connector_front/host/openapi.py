"""The host's OpenAPI 3.1 document, built from the route table and the pydantic models."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from connector_front.host.auth import is_open
from connector_front.host.requests import OWNER_HEADER
from connector_front.host.schemas import ErrorBody
from connector_front.host.table import HostRoute

REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{(\w+)\}")
SchemaRefs = dict[tuple[Any, JsonSchemaMode], Any]
"""(pydantic model, validation or serialization) -> its $ref schema."""


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


def _path_parameter(name: str, models: Sequence[str] | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if name == "model" and models is not None:
        schema = {"type": "string", "enum": list(models)}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _operation_id(method: str, template: str) -> str:
    """``get_resources_model_id`` for ``GET /resources/{model}/{id}``."""
    return f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', template.lower()).strip('_')}"


def _operation(
    route: HostRoute,
    method: str,
    refs: SchemaRefs,
    models: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    served = models.get(route.serves) if route.serves else None
    parameters = [_path_parameter(name, served) for name in _PARAM.findall(route.template)]
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
                "description": "the connection's owner id (the host's default owner if absent)",
                "schema": {"type": "string", "minLength": 1},
            }
        )
    error = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    responses: dict[str, Any] = {}
    if route.answer is not None:
        content = {"application/json": {"schema": refs[(route.answer, "serialization")]}}
        responses[str(route.status)] = {"description": route.summary, "content": content}
        responses["default"] = {"description": "an error", "content": error}
    elif route.status == 204:
        responses["204"] = {"description": "done"}
        responses["default"] = {"description": "an error", "content": error}
    else:
        responses["default"] = {"description": "Front's own answer, or a host error"}
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": _operation_id(method, route.template),
        "parameters": parameters,
        "responses": responses,
    }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    if is_open(method, route.template):
        operation["security"] = []
    return operation


def build_openapi(
    routes: Sequence[HostRoute],
    *,
    models: Mapping[str, Sequence[str]] | None = None,
    version: str = "0",
) -> dict[str, Any]:
    """The document: every route of the table, the host key as a bearer security scheme.

    ``models`` maps what a route ``serves`` (an operation, or ``custom_fields``) to the models
    that support it, so the ``{model}`` of each route lists only models it can answer for.
    """
    models = models or {}
    refs, definitions = _schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        for method in route.methods:
            paths.setdefault(route.template, {})[method.lower()] = _operation(
                route, method, refs, models
            )
    return {
        "openapi": "3.1.0",
        "info": {"title": "connector-front reference host", "version": version},
        "security": [{"hostKey": []}],
        "paths": paths,
        "components": {
            "schemas": definitions,
            "securitySchemes": {
                "hostKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "CONNECTOR_FRONT_HOST_KEY (not required when the host "
                    "runs open on loopback)",
                },
            },
        },
    }
