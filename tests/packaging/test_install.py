"""`pip install .` in a fresh virtualenv: mappers ship as connector_front.mappers, the entry
point loads the connector, and no top-level `mappers` module is installed."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

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


def test_fresh_virtualenv_install_loads_the_plugin(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", wheel)
    probe = (
        "import importlib.util, json, sys\n"
        "from importlib.metadata import entry_points\n"
        "(ep,) = entry_points(group='unified_api.connectors', name='front')\n"
        "cls = ep.load()\n"
        "import connector_front.mappers as m\n"
        "print(json.dumps({'cls': cls.__name__, 'top_level_mappers': "
        "importlib.util.find_spec('mappers') is not None, 'mappers_file': m.__file__}))\n"
    )
    out = _run(python, "-c", probe, cwd=tmp_path)
    assert '"cls": "FrontConnector"' in out
    assert '"top_level_mappers": false' in out
    assert str(env) in out  # imported from the install, not from the source tree
