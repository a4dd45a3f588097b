"""The host's OpenAPI document, and schemathesis against the running host: no 5xx on any route,
every answer as the document says.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from connector_front.host.auth import is_open
from connector_front.host.requests import OWNER_HEADER
from connector_front.host.table import ROUTE_TABLE
from tests.conftest import OWNER, Host, HostFactory

KEY = "openapi-test-key"
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
"""Examples per operation and mode: bounded so the whole run stays well under a minute."""


@pytest.fixture
def secured(make_host: HostFactory) -> Iterator[Host]:
    with make_host(host_key=KEY) as host:
        yield host


def _document(host: Host) -> dict[str, Any]:
    with host.client() as http:
        answer = http.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def test_the_document_lists_every_route_of_the_table(secured: Host) -> None:
    document = _document(secured)
    assert document["openapi"].startswith("3.1")
    for route in ROUTE_TABLE:
        template = route.template.replace("{model}", "genericContact")
        for method in route.methods:
            operation = document["paths"][template][method.lower()]
            assert operation["summary"] == route.summary
            assert (operation.get("security") == []) == is_open(method, route.template)
    assert document["security"] == [{"hostKey": []}]
    paths = document["paths"]
    assert "/resources/frontTag" in paths  # the host's own models too
    # each model's routes offer only the operations Front supports for it
    assert "delete" not in paths["/resources/genericUser/{id}"]
    assert "post" not in paths.get("/resources/genericWorkspace", {})
    assert "/resources/ticketComment/custom-fields" not in paths
    body = paths["/connections/{owner_id}"]["post"]["requestBody"]["content"]
    allowed = body["application/json"]["schema"]["properties"]["operations"]["items"]["enum"]
    assert "genericContact::list" in allowed and "genericUser::create" not in allowed
    record = document["components"]["schemas"]["Record"]
    assert {"model", "id", "fields"} <= set(record["required"])


def test_the_document_needs_the_host_key(secured: Host) -> None:
    assert httpx.get(f"{secured.url}/openapi.json").status_code == 401


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(secured: Host) -> None:
    auth = {"authorization": f"Bearer {KEY}"}
    schema = schemathesis.openapi.from_url(f"{secured.url}/openapi.json", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    document = _document(secured)
    expected = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    # schemathesis leaves out the document's own route; loading the document exercised it
    assert {op.label for op in operations} == expected - {"GET /openapi.json"}
    checks = [not_a_server_error, response_schema_conformance]
    fixed = {**auth, OWNER_HEADER: OWNER}  # the authorized owner, so calls reach Front
    calls = 0
    for operation in operations:
        for mode, examples in EXAMPLES.items():

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode, headers=fixed))
            def run(case: Any) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(base_url=secured.url, headers=auth, checks=checks)

            try:
                run()
            except Unsatisfiable:
                # an operation without parameters or body has no invalid input to send
                assert mode is GenerationMode.NEGATIVE, operation.label
    assert calls >= len(operations) * 2  # every route was exercised, in both modes


def test_an_open_host_documents_no_security(host: Host) -> None:
    document = _document(host)
    assert "security" not in document and "securitySchemes" not in document["components"]
