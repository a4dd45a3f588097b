"""The sandbox is an independent peer: it imports nothing of the rest of connector_front."""

from __future__ import annotations

import ast
from pathlib import Path

import connector_front.sandbox as sandbox

PACKAGE = Path(sandbox.__file__).parent


def _imports(path: Path) -> list[str]:
    """Absolute module names a file imports (relative ones resolved inside the package)."""
    module = ["connector_front", *path.relative_to(PACKAGE.parent).with_suffix("").parts]
    package = module[:-1]  # for __init__.py too: its package is its folder
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                names.append(".".join([*base, node.module] if node.module else base))
            else:
                names.append(node.module or "")
    return names


def test_sandbox_imports_only_itself_from_connector_front() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _imports(path):
            inside = name == "connector_front.sandbox" or name.startswith(
                "connector_front.sandbox."
            )
            if name.startswith("connector_front") and not inside:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
