"""The Grafana dashboard in the repository queries only metrics the host exports."""

from __future__ import annotations

import json
import re
from typing import Any

from connector_front.ops.exposition import exported_names
from tests.conftest import REPO

DASHBOARD = REPO / "dashboards" / "connector-front.json"
METRIC = re.compile(r"\bconnector_front_[a-z0-9_]+")


def queried() -> set[str]:
    """Every metric name a query of the dashboard names."""
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    found: set[str] = set()
    for panel in board["panels"]:
        for target in panel["targets"]:
            found |= set(METRIC.findall(target["expr"]))
    return found


def test_every_metric_the_dashboard_queries_is_exported() -> None:
    names = queried()
    assert len(names) >= 15
    assert names - exported_names() == set()


def test_the_dashboard_covers_what_the_issue_asks_for() -> None:
    names = queried()
    for wanted in (
        "connector_front_budget_remaining",  # budget by company
        "connector_front_budget_requests_total",  # by lane
        "connector_front_front_requests_total",  # request rate
        "connector_front_front_rate_limited_total",  # 429s
        "connector_front_event_lag_seconds_bucket",  # event lag
        "connector_front_webhook_queue_depth",  # webhook queue
        "connector_front_token_refreshes_total",  # refresh failures
        "connector_front_sync_since_clean_seconds",  # sync freshness
    ):
        assert wanted in names


def test_a_name_the_host_does_not_export_is_caught() -> None:
    assert "connector_front_budget_remaining_total" not in exported_names()
    assert "connector_front_front_requests_total" in exported_names()
