"""The committed scopes table is exactly what the generator makes from Front's spec."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from connector_front.grants.scopes import scope_table

pytestmark = pytest.mark.contract

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = REPO_ROOT / "scripts" / "generate_scopes.py"
TABLE = REPO_ROOT / "connector_front" / "data" / "front_scopes.json"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_scopes", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_table_matches_spec(front_spec: Path) -> None:
    generator = _generator()
    fresh: str = generator.render(generator.load_table(front_spec))
    committed = TABLE.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            fromfile="committed",
            tofile="from spec",
        )
    )
    assert not diff, f"front_scopes.json is stale; run scripts/generate_scopes.py\n{diff}"


def test_packaged_table_covers_every_spec_operation(front_spec: Path) -> None:
    table = _generator().load_table(front_spec)
    assert {key: tuple(scopes) for key, scopes in table.items()} == dict(scope_table())
