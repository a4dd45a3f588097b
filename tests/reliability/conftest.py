"""The reliability suite: faults, kills, arbitrary input, oversized bodies (marker ``reliability``).

Every test here carries the marker. Hypothesis runs a fixed, modest number of examples with
derandomized seeds, so the suite is as fast and as repeatable in CI as on a laptop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

HERE = Path(__file__).parent

settings.register_profile(
    "reliability",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RELIABLE = settings.get_profile("reliability")
"""Use as ``@RELIABLE`` on a ``@given`` test (the global profile stays the suite's default)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.reliability)
