"""Every request a sync pass sends, checked by a mock server generated from Front's spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector_front.connector import FrontConnector
from connector_front.settings import ConnectorSettings

pytestmark = pytest.mark.contract


async def test_sync_passes_are_accepted_by_front_spec(prism_url: str, tmp_path: Path) -> None:
    """Prism answers each listing's first page from the spec's example, whose ``next`` link
    points at Front itself (not reachable from tests): following it is the only failure
    allowed. A request Prism refused would fail with its 4xx instead."""
    settings = ConnectorSettings(
        api_base=prism_url,
        api_token="contract-test-token",
        database=str(tmp_path / "contract.sqlite3"),
        max_attempts=1,
    )
    async with FrontConnector(settings) as connector:
        for _ in range(2):  # a baseline, then a pass that compares
            report = await connector.sync("contract")
            errors = {
                f.model: f.error
                for f in report.owners[0].models
                if f.error and not f.error.endswith("(ConnectError). Try again later.")
            }
            assert not errors, errors
            assert report.feed("contract", "genericUser").error is None
        models = [f.model for f in report.owners[0].models]
        assert models == [m.model for m in connector.registry if m.has_events]
