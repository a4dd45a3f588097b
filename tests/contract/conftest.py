"""Contract-test harness: Stoplight Prism mocks Front's API from Front's official OpenAPI spec.

How `prism mock` (@stoplight/prism-cli 5.14.2, pinned in package.json) behaves, as measured:

- A request that violates the spec (body, query, path or header schema) gets 422,
  `content-type: application/problem+json`, body `{"type":
  "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY", "title": "Invalid request",
  "detail": ..., "validation": [{"location": ["body", "handles", "0", "source"],
  "severity": "Error", "code": "enum", "message": ...}]}`. No header marks it: a Prism-made
  error is told apart by that problem+json content type and its `stoplight.io/prism/errors#`
  type.
- The `Authorization: Bearer` scheme is enforced: none, or another scheme, gives 401
  `#UNAUTHORIZED` (`WWW-Authenticate: Bearer`); any non-empty bearer token passes.
- Unknown path: 404 `#NO_PATH_MATCHED_ERROR`; known path, undeclared method: 405
  `#NO_METHOD_MATCHED_ERROR`; wrong request content type: 415 `#INVALID_CONTENT_TYPE`.
  Trailing slashes are exact (`PATCH /comments/x/` is declared, `PATCH /comments/x` is 405).
  Literal segments beat parameters per method (`GET /contacts/custom_fields`), else the
  parameter matches (`DELETE /contacts/custom_fields` is `DELETE /contacts/{contact_id}`).
- A valid request gets the operation's first declared 2xx with the spec's `example` body
  (static mode). `Prefer: code=NNN` picks another declared status (undeclared: 404
  `#NOT_FOUND`); `Prefer: example=KEY` picks a named example (Front's spec has none, so 404);
  `Prefer: dynamic=true` generates a body from the schema.
- Front's examples sometimes break Front's own schemas (e.g. contact `_links.related.owner:
  null`): Prism lists that in an `sl-violations` response header and still answers 2xx. So the
  harness does NOT pass `--errors`: with it those spec-internal response violations turn valid
  requests into 500 `#VIOLATIONS`, while request violations are 422 with or without it.
- It reads only the local spec file (runs in a network namespace with nothing but loopback),
  and takes about 2.5-3 s to answer on the 2-core machine.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "front-openapi" / "core-api.json"
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
PRISM_ERROR_TYPE = "https://stoplight.io/prism/errors#"
STARTUP_TIMEOUT_S = 60.0
TEST_TOKEN = "contract-test-token"

_skip_reasons: set[str] = set()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print why contract tests were skipped, so a missing spec is visible without `-rs`."""
    if _skip_reasons:
        terminalreporter.write_sep("-", "contract tests skipped")
        for reason in sorted(_skip_reasons):
            terminalreporter.write_line(reason)


@pytest.fixture(scope="session")
def front_spec() -> Path:
    """Path of Front's OpenAPI spec; skips (with the expected path) when it is absent."""
    if not SPEC_PATH.is_file():
        reason = (
            f"Front's OpenAPI spec not found at {SPEC_PATH}; contract tests need "
            "../shared/front-openapi/core-api.json beside the repository"
        )
        _skip_reasons.add(reason)
        pytest.skip(reason)
    return SPEC_PATH


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _log_tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def prism_url(front_spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run `prism mock` on Front's spec for the session and yield its base URL."""
    if not PRISM_BIN.exists():
        pytest.fail(
            f"Prism is not installed ({PRISM_BIN} missing): run `npm ci` at the repository "
            "root (CI installs it; contract tests must not skip silently)",
            pytrace=False,
        )
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    command = [str(PRISM_BIN), "mock", str(front_spec), "--host", "127.0.0.1", "--port", str(port)]
    # Output goes to a file: Prism logs every route and request, which would fill a pipe.
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        _wait_until_ready(process, base_url, log)
        yield base_url
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    """Poll until Prism answers any HTTP request; fail with its output if it exits or stalls."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Prism exited with {process.returncode} before answering on {base_url}:\n"
                f"{_log_tail(log)}",
                pytrace=False,
            )
        try:
            httpx.get(base_url + "/", timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    _stop(process)
    pytest.fail(
        f"Prism did not answer on {base_url} within {STARTUP_TIMEOUT_S:.0f} s:\n{_log_tail(log)}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def prism_client(prism_url: str) -> Iterator[httpx.Client]:
    """An httpx client on the Prism mock, with a bearer token so security checks pass."""
    headers = {"Authorization": f"Bearer {TEST_TOKEN}"}
    with httpx.Client(base_url=prism_url, headers=headers, timeout=10.0) as client:
        yield client


def _prism_problem(response: httpx.Response) -> dict[str, Any] | None:
    """Prism's own problem+json error body, or None when the response came from the spec."""
    if "problem+json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and str(body.get("type", "")).startswith(PRISM_ERROR_TYPE):
        return body
    return None


def assert_accepted(response: httpx.Response) -> None:
    """Fail with Prism's detail when the mock rejected the request as not matching Front's spec.

    Any 422, and any Prism-made error (401 security, 404 unknown path, 405, 415, ...), fails.
    """
    problem = _prism_problem(response)
    if response.status_code != 422 and problem is None:
        return
    request = response.request
    lines = [
        f"Front's spec (via Prism) rejected {request.method} {request.url.raw_path.decode()}: "
        f"{response.status_code} {(problem or {}).get('title', response.reason_phrase)}"
    ]
    for violation in (problem or {}).get("validation", []):
        location = ".".join(str(part) for part in violation.get("location", []))
        lines.append(f"  - {location}: {violation.get('message')} [{violation.get('code')}]")
    if problem is None:
        lines.append(f"  {response.text[:500]}")
    elif not problem.get("validation"):
        lines.append(f"  {problem.get('detail')}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="assert_accepted")
def assert_accepted_fixture() -> Callable[[httpx.Response], None]:
    """`assert_accepted` as a fixture, so test modules need not import this conftest."""
    return assert_accepted
