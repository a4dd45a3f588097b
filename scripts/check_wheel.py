"""The distribution as a host author gets it: build the sdist and the wheel, check them with
twine, install the wheel with no extras into a fresh virtualenv, and there load the plugin
through its entry point and list contacts from a sandbox Front given by URL and token (a probe,
then the README's ``examples/plugin.py`` as a host author would run it).

    python scripts/check_wheel.py [--api-base URL --api-token TOKEN] [--dist DIR] [--json FILE]

Without ``--api-base`` it starts a sandbox Front (``connector-front sandbox`` from the running
environment, which has the host extra) for the run. Prints what it checked as JSON and exits 1
at the first check that fails, saying which. CI runs it (``make dist-check``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ABSENT = (
    "starlette",
    "uvicorn",
    "rich",
    "prometheus_client",
    "psycopg",
    "psycopg_pool",
    "opentelemetry",
)
"""Modules of the extras that the core install must not bring."""
HOST_EXTRA = "pip install 'connector-front[host]'"
"""What a host command run on the core install must tell its user."""
TIMEOUT = 600

PROBE = """
import asyncio, importlib.util, json, sys, tempfile
from importlib.metadata import entry_points, version

(entry,) = entry_points(group="unified_api.connectors", name="front")
plugin = entry.load()
import connector_front
import connector_front.mappers
from connector_front.settings import ConnectorSettings

async def contacts(api_base, api_token):
    database = f"sqlite:///{tempfile.mkdtemp()}/plugin.sqlite3"
    settings = ConnectorSettings.load(None, api_base=api_base, api_token=api_token,
                                      database=database)
    connector = plugin(settings)
    try:
        page = await connector.connection("check").resources("genericContact").list(limit=5)
    finally:
        await connector.aclose()
    return [record["id"] for record in page.to_json()["data"]]

print(json.dumps({
    "plugin": f"{plugin.__module__}.{plugin.__qualname__}",
    "installed_at": connector_front.__file__,
    "version": version("connector-front"),
    "module_version": connector_front.__version__,
    "top_level_mappers": importlib.util.find_spec("mappers") is not None,
    "mappers_at": connector_front.mappers.__file__,
    "importable": {name: importlib.util.find_spec(name) is not None for name in sys.argv[3:]},
    "contacts": asyncio.run(contacts(sys.argv[1], sys.argv[2])),
}))
"""
"""Run by the fresh virtualenv's interpreter, outside the source tree."""


class CheckFailed(Exception):
    """A check of the distribution failed; the message says which and what was seen."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        report = check(args.dist, args.api_base, args.api_token)
    except CheckFailed as failed:
        print(f"check_wheel: FAILED: {failed}", file=sys.stderr)
        return 1
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-base", help="a running sandbox Front (or any Front-compatible API)")
    parser.add_argument("--api-token", default="sandbox-api-token", help="its API token")
    parser.add_argument("--dist", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    return parser


def check(dist: Path | None, api_base: str | None, api_token: str) -> dict[str, Any]:
    """Every check in order; the report of what each found."""
    with tempfile.TemporaryDirectory(prefix="check-wheel-") as scratch:
        out = dist or Path(scratch) / "dist"
        sdist, wheel = build(out)
        run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
        python = fresh_virtualenv(Path(scratch) / "venv", wheel)
        with sandbox(api_base, api_token) as (base, token):
            found = probe(python, base, token, Path(scratch))
            example = plugin_example(python, base, token, Path(scratch))
            refused = host_command_without_extra(python)
            listed = core_command(python, base, token)
    return {
        "sdist": sdist.name,
        "wheel": wheel.name,
        "twine_check": "passed",
        **found,
        "plugin_example": example,
        "cli_resources_list": listed,
        "serve_without_host_extra": refused,
    }


def build(out: Path) -> tuple[Path, Path]:
    """``python -m build``: the sdist and the wheel, as a release would make them."""
    run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, REPO)
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise CheckFailed(f"expected one sdist and one wheel in {out}, found {sdists + wheels}")
    return sdists[0], wheels[0]


def fresh_virtualenv(where: Path, wheel: Path) -> Path:
    """A new virtualenv holding the wheel and its core dependencies only (no extras)."""
    run(sys.executable, "-m", "venv", where)
    python = where / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    return python


@contextmanager
def sandbox(api_base: str | None, api_token: str) -> Iterator[tuple[str, str]]:
    """The Front to list from: the one given, else a sandbox started for the run."""
    if api_base:
        yield api_base, api_token
        return
    command = [sys.executable, "-m", "connector_front.cli", "sandbox", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert process.stdout is not None
        banner = ""
        while "API token" not in banner and (line := process.stdout.readline()):
            banner += line
        url = re.search(r"base URL\s+(\S+)", banner)
        token = re.search(r"API token\s+(\S+)", banner)
        if not url or not token:
            raise CheckFailed(f"the sandbox printed no URL and token: {banner!r}")
        yield url.group(1), token.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def probe(python: Path, api_base: str, api_token: str, cwd: Path) -> dict[str, Any]:
    """Load the plugin through its entry point in the fresh virtualenv and list contacts."""
    found: dict[str, Any] = json.loads(
        run(python, "-c", PROBE, api_base, api_token, *ABSENT, cwd=cwd)
    )
    venv = str(python.parent.parent)
    expect(found["plugin"] == "connector_front.connector.FrontConnector", "the entry point", found)
    expect(found["installed_at"].startswith(venv), "imported from the install", found)
    expect(found["version"] == found["module_version"], "one version", found)
    expect(not found["top_level_mappers"], "no top-level mappers module", found)
    expect(found["mappers_at"].startswith(venv), "mappers as connector_front.mappers", found)
    present = [name for name, importable in found["importable"].items() if importable]
    expect(not present, f"no extra's module in the core install (found {present})", found)
    expect(bool(found["contacts"]), "contacts listed from the sandbox", found)
    return found


def plugin_example(python: Path, api_base: str, api_token: str, cwd: Path) -> list[str]:
    """The README's ``examples/plugin.py`` in the fresh virtualenv, its Front given by the
    environment: the contacts it printed, one a line."""
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("FRONT_")},
        "FRONT_API_BASE": api_base,
        "FRONT_API_TOKEN": api_token,
    }
    printed = run(python, REPO / "examples" / "plugin.py", cwd=cwd, env=environment)
    lines = printed.splitlines()
    expect(len(lines) == 3, "examples/plugin.py prints three contacts", printed)
    return lines


def host_command_without_extra(python: Path) -> str:
    """``connector-front serve`` on the core install: exit 2 naming the host extra."""
    command = python.parent / "connector-front"
    done = subprocess.run(  # noqa: S603
        [str(command), "serve"], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    said = done.stderr.strip()
    expect(done.returncode == 2, "serve exits 2 without the host extra", said)
    expect(HOST_EXTRA in said and "Traceback" not in said, "serve names the host extra", said)
    return said


def core_command(python: Path, api_base: str, api_token: str) -> int:
    """``connector-front resources list`` runs on the core install; the records it printed."""
    command = python.parent / "connector-front"
    flags = ["--api-base", api_base, "--api-token", api_token, "--limit", "3"]
    listed = json.loads(run(command, "resources", "list", "genericContact", *flags))
    expect(len(listed["data"]) == 3, "resources list prints a page", listed)
    return len(listed["data"])


def expect(holds: bool, what: str, seen: Any) -> None:
    if not holds:
        raise CheckFailed(f"{what}: {seen}")


def run(*command: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None) -> str:
    """Run a command; its standard output, or CheckFailed with its output."""
    done = subprocess.run(  # noqa: S603
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        shown = " ".join(str(part) for part in command[:4])
        raise CheckFailed(f"{shown} ... exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


if __name__ == "__main__":
    sys.exit(main())
