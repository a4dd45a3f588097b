"""The sandbox limits the suites run at: one place, said once.

The sandbox limits like Front by default (120 requests a minute per company, 5 a second per
conversation or message). Most tests are not about that budget and make hundreds of requests
in seconds (listings, fuzzing, conformance): at Front's limit they would wait out minute
windows. They run at :func:`loose`'s limit instead. Tests of the budget itself (lanes, the
Events API's request counts, the sandbox's own limits) use ``SandboxConfig()``, Front's.
"""

from __future__ import annotations

from typing import Any

from connector_front.sandbox import SandboxConfig

SUITE_RATE_LIMIT = 10_000
"""Requests per window (60 s) and company for tests that are not about the budget."""


def loose(**settings: Any) -> SandboxConfig:
    """A sandbox config at the suites' limit, without burst limits (``settings`` win)."""
    return SandboxConfig(**{"rate_limit": SUITE_RATE_LIMIT, "burst_limit": None, **settings})
