"""OpenTelemetry is optional: without the ``otel`` extra (its import made to fail here) the
host serves and exports metrics, and says why it runs without traces when ``OTEL_*`` asks for
them; with the extra but no ``OTEL_*`` exporter named, nothing of it is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = r"""
import json, logging, sys
from importlib.abc import MetaPathFinder

class WithoutOpenTelemetry(MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "opentelemetry":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

if sys.argv[1] == "without":
    sys.meta_path.insert(0, WithoutOpenTelemetry())
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

import httpx
from connector_front.dev.embedded import sandbox_settings, connect_owner
from connector_front.host import create_app, load_connector
from connector_front.host.server import BackgroundServer
from connector_front.sandbox import SandboxServer
from tests.limits import loose

with SandboxServer(loose()) as front:
    settings = sandbox_settings(front, front.config, sys.argv[2])
    connector = load_connector("front", settings)

    async def authorize(plugin):
        await connect_owner(plugin, "acme")

    app = create_app(connector, default_owner="acme", on_startup=authorize)
    with BackgroundServer(app) as server:
        listed = httpx.get(f"{server.url}/resources/genericContact?limit=1").status_code
        metrics = httpx.get(f"{server.url}/metrics").status_code
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "opentelemetry")
print(json.dumps({"listed": listed, "metrics": metrics, "loaded": loaded}))
"""


@pytest.mark.parametrize(
    ("mode", "exporter", "warned"),
    [("without", None, False), ("without", "console", True), ("with", None, False)],
)
def test_traces_are_optional(
    tmp_path: object, mode: str, exporter: str | None, warned: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    if exporter is not None:
        env["OTEL_TRACES_EXPORTER"] = exporter
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, f"{tmp_path}/host.sqlite3"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer == {"listed": 200, "metrics": 200, "loaded": []}
    assert ("install connector-front[otel]" in done.stderr) is warned, done.stderr
