"""The wheel as installed: mappers ship as connector_front.mappers, the entry point loads the
connector with the core install alone, and no top-level `mappers` module is installed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import connector_front

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str | Path, cwd: Path = REPO) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, REPO)
    (built,) = out.glob("connector_front-*.whl")
    return built


def test_wheel_layout(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "connector_front/mappers/generic_contact.py" in names
    assert "connector_front/py.typed" in names
    assert "connector_front/data/front_scopes.json" in names
    assert "connector_front/host/templates/connect.html" in names  # the connect page
    assert not [n for n in names if n.startswith("mappers/")], "a top-level mappers/ was packaged"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[unified_api.connectors]" in text
    assert "front = connector_front.connector:FrontConnector" in text


def test_the_distribution_check_passes(tmp_path: Path) -> None:
    """``scripts/check_wheel.py`` (CI's ``make dist-check``): sdist and wheel built and checked by
    twine; the wheel alone, in a fresh virtualenv, loads the plugin through its entry point and
    lists contacts from a sandbox Front, with no extra's module installed; the README's
    examples/plugin.py runs there too."""
    report = tmp_path / "report.json"
    _run(sys.executable, REPO / "scripts" / "check_wheel.py", "--json", report, cwd=tmp_path)
    found = json.loads(report.read_text(encoding="utf-8"))
    venv = found["installed_at"].split("/lib/")[0]
    assert found["plugin"] == "connector_front.connector.FrontConnector"
    assert found["version"] == connector_front.__version__ == found["module_version"]
    assert found["wheel"] == f"connector_front-{connector_front.__version__}-py3-none-any.whl"
    assert found["top_level_mappers"] is False
    assert found["mappers_at"].startswith(venv)  # imported from the install, not the tree
    assert found["importable"] == dict.fromkeys(
        (
            "starlette",
            "uvicorn",
            "rich",
            "prometheus_client",
            "psycopg",
            "psycopg_pool",
            "opentelemetry",
        ),
        False,
    )
    assert found["contacts"] and all(c.startswith("crd_") for c in found["contacts"])
    assert [line.split()[0] for line in found["plugin_example"]] == found["contacts"][:3]
    assert "pip install 'connector-front[host]'" in found["serve_without_host_extra"]
