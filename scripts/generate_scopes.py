"""Generate `connector_front/data/front_scopes.json` from Front's OpenAPI spec.

Maps every operation ("METHOD /template") to its `x-required-scopes`, so scopes are derived
from the spec rather than typed by hand. `--check` verifies the committed table is current.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "front-openapi" / "core-api.json"
DEFAULT_OUTPUT = REPO_ROOT / "connector_front" / "data" / "front_scopes.json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def build_table(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return {"METHOD /template": sorted scopes} for every operation in the spec, key-sorted."""
    table: dict[str, list[str]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            scopes = operation.get("x-required-scopes") or []
            if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
                raise ValueError(f"{method.upper()} {path}: x-required-scopes is not a list of str")
            table[f"{method.upper()} {path}"] = sorted(set(scopes))
    return dict(sorted(table.items()))


def render(table: Mapping[str, Sequence[str]]) -> str:
    """Serialise the table as JSON, one operation per line, so diffs stay readable."""
    lines = [f"  {json.dumps(key)}: {json.dumps(list(table[key]))}" for key in sorted(table)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def load_table(spec_path: Path) -> dict[str, list[str]]:
    """Read the spec at `spec_path` and build its scopes table."""
    return build_table(json.loads(spec_path.read_text(encoding="utf-8")))


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with --check, verify) the scopes table; exit 1 on a stale table, 2 on no spec."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, help="OpenAPI spec")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="table to write")
    parser.add_argument(
        "--check", action="store_true", help="exit non-zero with a diff if the table is stale"
    )
    args = parser.parse_args(argv)
    spec_path: Path = args.spec
    output: Path = args.output
    if not spec_path.is_file():
        print(f"error: Front's OpenAPI spec not found at {spec_path}", file=sys.stderr)
        return 2
    table = load_table(spec_path)
    fresh = render(table)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current == fresh:
            print(f"{output} is up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                fresh.splitlines(keepends=True),
                fromfile=f"{output} (committed)",
                tofile=f"{output} (from {spec_path})",
            )
        )
        print(f"\n{output} is stale: run `python scripts/generate_scopes.py`", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(fresh, encoding="utf-8")
    print(f"wrote {len(table)} operations to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
