"""The Grafana dashboard in the repository queries only metrics the host exports."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from connector_front.ops.exposition import exported_names
from tests.conftest import REPO

DASHBOARD = REPO / "dashboards" / "connector-front.json"
METRIC = re.compile(r"\bconnector_front_[a-z0-9_]+")
QUERY_KEYS = frozenset({"expr", "query", "definition"})
"""Where Grafana keeps PromQL: a target's ``expr``, a variable's ``query`` or ``definition``."""


def dashboard() -> dict[str, Any]:
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return board


def queries(node: Any) -> list[str]:
    """Every query text anywhere in ``node`` (panels, rows' panels, variables, annotations)."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in QUERY_KEYS and isinstance(v, str)]
        return found + [q for v in node.values() for q in queries(v)]
    if isinstance(node, list):
        return [q for v in node for q in queries(v)]
    return []


def queried(board: dict[str, Any]) -> set[str]:
    """Every metric name a query of ``board`` names."""
    return {name for text in queries(board) for name in METRIC.findall(text)}


def unexported(board: dict[str, Any]) -> set[str]:
    """The metric names ``board`` queries that no scrape of the host holds."""
    return queried(board) - exported_names()


def test_every_metric_the_dashboard_queries_is_exported() -> None:
    board = dashboard()
    assert len(queried(board)) >= 15
    assert unexported(board) == set()


def test_every_panel_queries_something() -> None:
    for panel in dashboard()["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert METRIC.search(target["expr"]), (panel["title"], target["expr"])


def test_a_query_of_a_metric_the_host_does_not_export_is_caught() -> None:
    board = dashboard()
    wrong = copy.deepcopy(board)
    target = wrong["panels"][0]["targets"][0]
    target["expr"] = target["expr"] + " + connector_front_budget_remaining_total"
    assert unexported(wrong) == {"connector_front_budget_remaining_total"}
    nested = copy.deepcopy(board)  # a collapsed row keeps its panels inside it
    nested["panels"].append(
        {"type": "row", "panels": [{"targets": [{"expr": "connector_front_nope"}]}]}
    )
    variable = {"name": "company", "type": "query"}
    variable["query"] = "label_values(connector_front_nada, company)"
    nested["templating"]["list"].append(variable)
    assert unexported(nested) == {"connector_front_nope", "connector_front_nada"}


def test_the_dashboard_covers_what_the_issue_asks_for() -> None:
    names = queried(dashboard())
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


def test_exported_names_follow_the_exposition_format() -> None:
    names = exported_names()
    assert "connector_front_front_requests_total" in names  # a counter: _total
    assert "connector_front_front_requests" not in names
    assert "connector_front_event_lag_seconds_bucket" in names  # a histogram: its samples
    assert "connector_front_event_lag_seconds" not in names
    assert "connector_front_budget_remaining" in names  # a gauge: its own name
    assert "connector_front_budget_remaining_total" not in names
    assert "connector_front_webhook_queue_depth" in names  # from the database's figures
    assert "connector_front_sync_since_clean_seconds" in names  # derived at a scrape
