"""Tests that need a system part (chromium, PostgreSQL) skip without it on a user's machine,
saying why, and fail in CI (``CI=true``), where ``.ci/run`` installs it first."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(what: str, reason: str) -> NoReturn:
    """Skip (printing the reason) or, under ``CI=true``, fail: ``what`` cannot run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} cannot run in CI: {reason}")
    print(f"skipping {what}: {reason}")
    pytest.skip(reason)
