"""Every probe class, sent to every route of the host: a typed error with a message, never a
5xx or a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from connector_front.host.auth import is_open
from connector_front.host.table import ROUTE_TABLE
from tests.conftest import Host, start_host

KEY = "every-route-key"
DEEP = ("[" * 1000 + "]" * 1000).encode()
VALUES = {
    "model": "genericContact",
    "id": "crd_1",
    "owner_id": "acme",
    "path": "contacts",
    "name": "escalations",
}


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    folder = tmp_path_factory.mktemp("every-route")
    with start_host(
        folder, host_key=KEY, max_body_bytes=10_000, webhook_max_body_bytes=10_000
    ) as host:
        yield host


def _path(template: str, **override: str) -> str:
    values = {**VALUES, **override}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], template)


def _probes(template: str) -> dict[str, dict[str, Any]]:
    """Probe name -> request keywords (path, query, body, headers)."""
    dots = {name: "%2e%2e" for name in VALUES}
    nul = {name: "x%00y" for name in VALUES}
    json_type = {"content-type": "application/json"}
    return {
        "dot segments": {"path": _path(template, **dots)},
        "single dot": {"path": _path(template, **{k: "%2e" for k in VALUES})},
        "NUL": {"path": _path(template, **nul)},
        "tampered cursor": {"path": _path(template), "params": {"cursor": "e30.AAAA"}},
        "bad limit": {"path": _path(template), "params": {"limit": "1e9"}},
        "bad flag": {"path": _path(template), "params": {"raw": "maybe", "permanent": "?"}},
        "deep JSON": {"path": _path(template), "content": DEEP, "headers": json_type},
        "not JSON": {"path": _path(template), "content": b"{nope", "headers": json_type},
        "not UTF-8": {"path": _path(template), "content": b'{"a": "\xff"}', "headers": json_type},
        "JSON list": {"path": _path(template), "content": b"[1, 2]", "headers": json_type},
        "too large": {"path": _path(template), "content": b"x" * 20_000, "headers": json_type},
    }


CASES = [
    (method, route.template, probe)
    for route in ROUTE_TABLE
    for method in route.methods
    for probe in _probes(route.path)
]


@pytest.mark.parametrize(("method", "template", "probe"), CASES, ids=lambda v: str(v))
def test_probe_gets_a_typed_answer(secured: Host, method: str, template: str, probe: str) -> None:
    route = next(r for r in ROUTE_TABLE if r.template == template and method in r.methods)
    request = _probes(route.path)[probe]
    with secured.client() as http:
        answer = http.request(
            method,
            request["path"],
            params=request.get("params"),
            content=request.get("content"),
            headers=request.get("headers"),
        )
    assert answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text
    page = answer.headers.get("content-type", "").startswith("text/html")
    if answer.status_code >= 400 and page:
        assert route.html and 'role="alert"' in answer.text  # a page for people, saying why
    elif answer.status_code >= 400 and not template.startswith("/proxy/"):
        error = answer.json()["error"]
        assert error["code"] and error["message"]
    if probe == "too large":
        assert answer.status_code == 413
    has_id = "{" in template and template != "/connections/{owner_id}"
    if probe in {"dot segments", "NUL"} and has_id:
        # never reaches a handler as an id: refused for it, or (a route taking a JSON body,
        # probed without one) for the missing content-type, which the host checks first
        unsent = answer.status_code == 415 and route.body is not None and not route.html
        assert answer.status_code in (400, 404) or unsent, answer.text


PROTECTED_CASES = [case for case in CASES if not is_open(case[0], _path(case[1]))]
"""The open routes authenticate otherwise: the OAuth callback by its one-time state, Front's
webhook intake by its signature (tested in test_webhook_intake)."""


@pytest.mark.parametrize(("method", "template", "probe"), PROTECTED_CASES, ids=lambda v: str(v))
def test_probe_without_the_key_is_a_401(
    secured: Host, method: str, template: str, probe: str
) -> None:
    route = next(r for r in ROUTE_TABLE if r.template == template and method in r.methods)
    request = _probes(route.path)[probe]
    with secured.client(key="") as http:
        answer = http.request(method, request["path"], content=request.get("content"))
    assert answer.status_code == 401, answer.text


def test_a_wrong_method_lists_every_method_of_the_path(secured: Host) -> None:
    with secured.client() as http:
        answer = http.request("OPTIONS", "/resources/genericContact/crd_1")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert answer.json()["error"]["code"] == "method_not_allowed"
