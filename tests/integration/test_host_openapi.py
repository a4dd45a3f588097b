"""The host's OpenAPI document, and schemathesis against the running host: no 5xx on any route,
every answer as the document says, every undocumented method a 405 with the document's
``Allow``, every request the document calls invalid refused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from connector_front.host.auth import is_open
from connector_front.host.requests import OWNER_HEADER
from connector_front.host.table import ROUTE_TABLE
from connector_front.sandbox import SandboxConfig
from tests.conftest import OWNER, Host

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,negative_data_rejection,"
    "missing_required_header,unsupported_method,allow_header_conformance,ignored_auth"
)
"""schemathesis's conformance checks. Left out: positive_data_acceptance (a signed cursor or
session, an OAuth state, a Front id that exists: no schema tells a valid one from another of
its form), and the stateful checks (use_after_free, ensure_resource_availability,
object_level_authorization), which need links between operations the document does not
declare."""
EXAMPLES = 8
"""Examples per operation in the fuzzing phase (the coverage phase adds its own): bounded so
the run stays near half a minute."""
UNLIMITED = SandboxConfig(rate_limit=1_000_000)
"""The run's requests that reach Front are many: no rate limit to wait on."""


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


def test_schemathesis_covers_every_documented_operation(secured: Host) -> None:
    auth = {"authorization": f"Bearer {secured.key}"}
    schema = schemathesis.openapi.from_url(f"{secured.url}/openapi.json", headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    document = _document(secured)
    expected = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    # schemathesis leaves out the document's own route; loading the document exercised it
    assert {op.label for op in operations} == expected - {"GET /openapi.json"}


@pytest.mark.parametrize("sandbox_config", [UNLIMITED], indirect=True)
def test_schemathesis_finds_no_conformance_failure(secured: Host, tmp_path: Path) -> None:
    """Its coverage phase (each parameter's edge values, each undocumented method) and a
    bounded fuzzing phase, over loopback, as the authorized owner (so calls reach Front)."""
    done = subprocess.run(
        [
            str(SCHEMATHESIS), "run", f"{secured.url}/openapi.json",
            "--header", f"Authorization: Bearer {secured.key}",
            "--header", f"{OWNER_HEADER}: {OWNER}",
            "--checks", CHECKS, "--phases", "coverage,fuzzing",
            "--max-examples", str(EXAMPLES), "--seed", "1", "--generation-database", "none",
            "--continue-on-failure", "--no-color", "--warnings", "off",
        ],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
    )  # fmt: skip
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    assert "No issues found" in summary and " passed" in summary


def test_an_open_host_documents_no_security(host: Host) -> None:
    document = _document(host)
    assert "security" not in document and "securitySchemes" not in document["components"]
