"""The benchmark scripts run (tiny sizes) and print the JSON figures the README quotes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("bench_unified.py", ["--mapped", "50", "--contacts", "30"]),
        ("bench_listing.py", ["--contacts", "30", "--json"]),
    ],
)
def test_a_benchmark_prints_its_figures(script: str, args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert isinstance(figures, dict) and figures
