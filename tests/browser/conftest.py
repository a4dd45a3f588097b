"""Browser tests: Debian's chromium driven headless by Playwright (never a downloaded browser)
against ``connector-front serve --sandbox`` run as a user runs it.

Without chromium or Playwright the tests skip with the reason on a user's machine, and fail
in CI (``CI=true``), where ``.ci/run`` installs chromium first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, quiet_port
from tests.requirements import unavailable

CHROMIUM = Path(os.environ.get("CONNECTOR_FRONT_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "tests" / "artifacts" / "browser"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core (npm, package.json): the accessibility rules the page is checked against."""
SCRIPT = Path(sys.executable).parent / "connector-front"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium at /usr/bin/chromium (or CONNECTOR_FRONT_CHROMIUM).

    Module-scoped: Playwright's sync API runs an event loop in the main thread while it is
    open, which the asyncio tests of other modules must not find running.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "browser tests", "the playwright package is not installed (pip install -e '.[dev]')"
        )
    if not CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is None:
        unavailable("browser tests", f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Served:
    """A running ``connector-front serve --sandbox`` and what it printed."""

    url: str
    sandbox_url: str
    connect_url: str
    output: list[str] = field(default_factory=list)

    def session(self, owner: str, operations: list[str]) -> str:
        """A connect page URL for ``owner``, made as a host's back end makes it."""
        answer = httpx.post(
            f"{self.url}/connect/sessions",
            json={"ownerId": owner, "operations": operations},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        url: str = answer.json()["url"]
        return url

    def log(self) -> str:
        return "".join(self.output)

    def log_shows(self, text: str, within: float = 30.0) -> bool:
        """Whether the host prints ``text`` within ``within`` seconds: its lines reach
        ``output`` through a reader thread, a moment after its answer."""
        deadline = time.monotonic() + within
        while text not in self.log():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


CONFIG = """
[connector_front.field_mapping.ticketIssue]
priority = "Priority"

[connector_front.field_keys.genericContact]
since = { type = "datetime", default = "Customer since", label = "Customer since" }
"""
"""The host's declared keys: in today's short form, and typed (the connect page's fields step)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port = quiet_port()
    env = {k: v for k, v in os.environ.items() if k != "CONNECTOR_FRONT_HOST_KEY"}
    folder = tmp_path_factory.mktemp("serve")
    env["TMPDIR"] = str(folder)
    (folder / "host.toml").write_text(CONFIG)
    command = [str(SCRIPT), "serve", "--sandbox", "--config", str(folder / "host.toml"),
               "--port", str(port), "--sync-interval", "0"]  # fmt: skip
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=_drain, args=(process, lines), daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        connect = sandbox = None
        while time.monotonic() < deadline and (connect is None or sandbox is None):
            assert process.poll() is None, "".join(lines)
            text = "".join(lines)
            found = re.search(r"connect page for owner .*?: (http://\S+)", text)
            connect = found.group(1) if found else None
            found = re.search(r"sandbox Front on (http://\S+)", text)
            sandbox = found.group(1) if found else None
            time.sleep(0.1)
        assert connect and sandbox, "serve --sandbox printed no connect page URL:\n" + text
        yield Served(f"http://127.0.0.1:{port}", sandbox, connect, lines)
    finally:
        process.terminate()
        process.wait(timeout=30)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (its script
    injected into the page, as the axe browser extensions do)."""
    if not AXE.exists():
        unavailable("accessibility checks", f"no {AXE} (run `make node_modules/.installed`)")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Any:
    """``shots(page, "state")`` saves a full-page screenshot and prints where."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return take
