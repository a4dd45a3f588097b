"""Fixtures for the sandbox Front's own suite: a served sandbox, clients, Front's spec.

Every answer a `client` receives is checked against Front's OpenAPI spec (the
operation's declared status and response schema; Front's documented `_error`
body for errors) when the spec is present beside the repository. Two readings
of the spec are documented below: `nullable` beside `$ref`, and the
overlapping `oneOf` of EventResponse.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from connector_front.sandbox import SandboxConfig, SandboxServer
from tests.limits import loose

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "front-openapi" / "core-api.json"
API_TOKEN = "sandbox-api-token"
CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandbox-client-secret"
REDIRECT_URI = "http://localhost:9999/callback"
APP_REDIRECT_URIS = [REDIRECT_URI, "https://app.example/cb", "https://app.example/cb?tenant=7"]
"""The redirect URIs this suite's OAuth client registers with the sandbox's app."""
SPEC_URI = "urn:front-core-api"
# one TLS context for every client: building one per client costs ~50 ms (plain HTTP here anyway)
TLS = ssl.create_default_context()

# Front's error body, as its "Response body structure" page documents it (the spec has none)
FRONT_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["_error"],
    "properties": {
        "_error": {
            "type": "object",
            "required": ["status", "title", "message"],
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}


def _nullable_refs(node: Any) -> Any:
    """Honour `nullable: true` written beside a `$ref` (OAS 3.0 validators ignore ref siblings)."""
    if isinstance(node, dict):
        node = {key: _nullable_refs(value) for key, value in node.items()}
        if "$ref" in node and node.get("nullable") is True:
            return {"anyOf": [{"$ref": node["$ref"]}, {"nullable": True, "enum": [None]}]}
        return node
    if isinstance(node, list):
        return [_nullable_refs(item) for item in node]
    return node


def _overlapping_one_of(spec: dict[str, Any]) -> dict[str, Any]:
    """Read EventResponse's `oneOf`s as `anyOf`.

    Their alternatives overlap (InboxResponse and MessageResponse require no
    property, so a tag, comment or teammate matches them too): no real Front
    event could match exactly one, so strict `oneOf` would refuse every event.
    """
    event = spec["components"]["schemas"]["EventResponse"]["properties"]
    for part in ("source", "target"):
        data = event[part]["properties"]["data"]
        data["anyOf"] = data.pop("oneOf")
    return spec


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class SpecCheck:
    """Validates sandbox answers against Front's spec, by operation and status."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = _overlapping_one_of(_nullable_refs(spec))
        resource = Resource.from_contents(self.spec, default_specification=DRAFT4)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.paths: dict[str, Any] = self.spec["paths"]
        self._templates: list[tuple[re.Pattern[str], str]] = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"), template)
            for template in self.paths
        ]
        self.seen: set[tuple[str, str, int]] = set()

    def template(self, method: str, path: str) -> str | None:
        """The spec path an actual request path belongs to (literal segments win)."""
        candidates: list[str] = [t for rx, t in self._templates if rx.match(path)]
        candidates.sort(key=lambda t: -sum(1 for s in t.split("/") if s and "{" not in s))
        for template in candidates:
            if method.lower() in self.paths[template]:
                return template
        if not path.endswith("/"):
            return self.template(method, path + "/")
        return None

    def validate(self, schema_ref: str, body: Any) -> list[str]:
        validator = OAS30Validator({"$ref": schema_ref}, registry=self.registry)
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]

    def validate_schema(self, schema: dict[str, Any], body: Any) -> list[str]:
        validator = OAS30Validator(schema, registry=self.registry)
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]

    def check(self, method: str, path: str, status: int, content: bytes) -> None:
        """Assert one answer agrees with the spec (or Front's error shape)."""
        if status >= 400:
            body = json.loads(content)
            errors = self.validate_schema(FRONT_ERROR_SCHEMA, body)
            assert not errors, f"{method} {path} -> {status}: bad error body {errors}"
            assert body["_error"]["status"] == status
            return
        template = self.template(method, path)
        assert template is not None, f"{method} {path} is not an operation of Front's spec"
        operation = self.paths[template][method.lower()]
        response = operation["responses"].get(str(status))
        assert response is not None, f"{method} {template} does not declare status {status}"
        self.seen.add((method, template, status))
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            response = self.spec["components"]["responses"][name]
            base = _pointer("components", "responses", name)
        else:
            base = _pointer("paths", template, method.lower(), "responses", str(status))
        if "application/json" not in response.get("content", {}):
            assert content == b"", f"{method} {template} -> {status} must have no body"
            return
        ref = f"{SPEC_URI}#/{base}/content/application~1json/schema"
        errors = self.validate(ref, json.loads(content))
        assert not errors, f"{method} {template} -> {status} breaks the spec: {errors[:5]}"


@pytest.fixture(scope="session")
def spec_check() -> SpecCheck | None:
    """The spec checker, or None when Front's spec is not beside the repository."""
    if not SPEC_PATH.is_file():
        return None
    return SpecCheck(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


@pytest.fixture
def spec(spec_check: SpecCheck | None) -> SpecCheck:
    """For tests that exist to compare with the spec: skip, saying where it was expected."""
    if spec_check is None:
        reason = f"Front's OpenAPI spec was expected at {SPEC_PATH} and is absent"
        print(reason)
        pytest.skip(reason)
    return spec_check


def app_config(**settings: Any) -> SandboxConfig:
    """A sandbox config whose OAuth app registers this suite's redirect URIs, at the suites'
    looser limit (``tests/limits.py``)."""
    return loose(**{"redirect_uris": list(APP_REDIRECT_URIS), **settings})


@pytest.fixture(scope="session")
def shared_server() -> Iterator[SandboxServer]:
    with SandboxServer(app_config()) as server:
        yield server


@pytest.fixture
def server(shared_server: SandboxServer) -> SandboxServer:
    """The session's sandbox, reset to its just-started state for this test."""
    return shared_server.reset(app_config())


def make_client(
    server: SandboxServer, spec_check: SpecCheck | None, token: str | None = API_TOKEN
) -> httpx.Client:
    def check(response: httpx.Response) -> None:
        path = response.request.url.path
        if spec_check is None or path.startswith(("/_sandbox", "/oauth/")):
            return
        response.read()
        spec_check.check(response.request.method, path, response.status_code, response.content)

    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=server.url,
        headers=headers,
        timeout=10,
        verify=TLS,
        event_hooks={"response": [check]},
    )


@pytest.fixture
def client(server: SandboxServer, spec_check: SpecCheck | None) -> Iterator[httpx.Client]:
    """Authorized with the static API token; every answer checked against the spec."""
    with make_client(server, spec_check) as c:
        yield c


@pytest.fixture
def anon(server: SandboxServer, spec_check: SpecCheck | None) -> Iterator[httpx.Client]:
    """No Authorization header (for OAuth endpoints and 401s)."""
    with make_client(server, spec_check, token=None) as c:
        yield c


@pytest.fixture
def admin(server: SandboxServer) -> Iterator[httpx.Client]:
    """For the `/_sandbox/` control surface."""
    with httpx.Client(base_url=server.url + "/_sandbox", timeout=10, verify=TLS) as c:
        yield c


class OAuthFlow:
    """Drives Front's OAuth endpoints the way a client app does."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET
    redirect_uri = REDIRECT_URI

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def authorize(self, state: str = "xyz") -> str:
        """Run `GET /oauth/authorize`; answers the code it redirects with."""
        answer = self.http.get(
            "/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "state": state,
            },
        )
        assert answer.status_code == 302, answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["state"] == [state]
        return query["code"][0]

    def exchange(self, code: str, redirect_uri: str = REDIRECT_URI) -> httpx.Response:
        return self.http.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(CLIENT_ID, CLIENT_SECRET),
        )

    def tokens(self) -> dict[str, Any]:
        """A fresh token pair through the whole authorization-code flow."""
        answer = self.exchange(self.authorize())
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.http.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(CLIENT_ID, CLIENT_SECRET),
        )


@pytest.fixture
def oauth(anon: httpx.Client) -> OAuthFlow:
    return OAuthFlow(anon)


@pytest.fixture
def api(server: SandboxServer, spec_check: SpecCheck | None) -> Iterator[Any]:
    """Opens spec-checked clients with a given bearer token: `api(token)`."""
    opened: list[httpx.Client] = []

    def open_client(token: str | None) -> httpx.Client:
        opened.append(make_client(server, spec_check, token))
        return opened[-1]

    yield open_client
    for c in opened:
        c.close()


@dataclass
class Captured:
    """One POST a webhook receiver got: path, headers (lower-case names), raw body."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP endpoint on loopback that captures webhook deliveries.

    `statuses` scripts the answers (popped in order, then 200); `challenge`
    says how the validation challenge is echoed: text, form, json or not at all.
    `gate`, when set, holds every answer until the test opens it.
    """

    captured: list[Captured] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    challenge: str = "text"
    gate: threading.Event | None = None
    url: str = ""

    def answer(self, request: Captured) -> tuple[int, str, bytes]:
        if self.gate is not None:
            self.gate.wait(30)
        self.captured.append(request)
        token = request.headers.get("x-front-challenge")
        if token is not None:
            forms = {
                "text": ("text/plain", token.encode()),
                "form": ("application/x-www-form-urlencoded", f"challenge={token}".encode()),
                "json": ("application/json", json.dumps({"challenge": token}).encode()),
                "none": ("text/plain", b"ok"),
            }
            kind, body = forms[self.challenge]
            return 200, kind, body
        status = self.statuses.pop(0) if self.statuses else 200
        return status, "text/plain", b""

    def of_type(self, hook_type: str) -> list[Captured]:
        return [c for c in self.captured if c.json().get("type") == hook_type]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = Captured(
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )
            status, kind, body = receiver.answer(request)
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook endpoint served by `http.server` in a thread for this test."""
    found = Receiver()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    httpd.daemon_threads = True
    found.url = f"http://127.0.0.1:{httpd.server_address[1]}/hooks"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield found
    if found.gate is not None:
        found.gate.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def client_on(spec_check: SpecCheck | None) -> Iterator[Any]:
    """Opens spec-checked API clients on any sandbox server: `client_on(server)`."""
    opened: list[httpx.Client] = []

    def open_client(server: SandboxServer, checked: bool = True) -> httpx.Client:
        opened.append(make_client(server, spec_check if checked else None))
        return opened[-1]

    yield open_client
    for c in opened:
        c.close()
