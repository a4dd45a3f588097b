"""``connector-front status``'s reading of a scrape: quantiles from histogram buckets as
PromQL computes them, per-minute rates from two scrapes, figures by label."""

from __future__ import annotations

import math

from connector_front.ops.summary import per_minute, quantile, summarize

SCRAPE = """\
# TYPE connector_front_front_requests_total counter
connector_front_front_requests_total{model="genericContact",operation="list",lane="interactive",status_class="2xx"} 7.0
connector_front_front_requests_total{model="ticketIssue",operation="events",lane="events",status_class="2xx"} 3.0
connector_front_front_requests_total{model="genericContact",operation="list",lane="interactive",status_class="4xx"} 1.0
# TYPE connector_front_front_rate_limited_total counter
connector_front_front_rate_limited_total{lane="interactive"} 1.0
# TYPE connector_front_budget_remaining gauge
connector_front_budget_remaining{company="cmp_1"} 42.0
# TYPE connector_front_budget_limit gauge
connector_front_budget_limit{company="cmp_1"} 120.0
# TYPE connector_front_event_lag_seconds histogram
connector_front_event_lag_seconds_bucket{source="webhook",le="1.0"} 2.0
connector_front_event_lag_seconds_bucket{source="webhook",le="5.0"} 4.0
connector_front_event_lag_seconds_bucket{source="webhook",le="+Inf"} 4.0
connector_front_event_lag_seconds_count{source="webhook"} 4.0
connector_front_event_lag_seconds_sum{source="webhook"} 6.0
# TYPE connector_front_sync_since_clean_seconds gauge
connector_front_sync_since_clean_seconds{model="genericContact"} 12.5
# TYPE connector_front_webhook_queue_depth gauge
connector_front_webhook_queue_depth 3.0
"""  # noqa: E501


def test_a_scrape_is_summarized_by_label() -> None:
    summary = summarize(SCRAPE)
    assert summary.requests == {"interactive": 8.0, "events": 3.0}
    assert summary.rate_limited == {"interactive": 1.0}
    assert summary.budget == {"cmp_1": {"remaining": 42.0, "limit": 120.0}}
    assert summary.since_clean == {"genericContact": 12.5}
    assert summary.gauges == {"webhook_queue_depth": 3.0}
    assert summary.event_lag == {"p50": 1.0, "p95": 4.6}


def test_quantiles_interpolate_within_a_bucket() -> None:
    buckets = {1.0: 2.0, 5.0: 4.0, math.inf: 4.0}
    assert quantile(buckets, 0.5) == 1.0
    assert quantile(buckets, 0.75) == 3.0
    assert quantile({1.0: 0.0, math.inf: 0.0}, 0.5) is None
    assert quantile({1.0: 0.0, math.inf: 2.0}, 0.5) == 1.0  # beyond the last bound


def test_rates_per_minute_start_again_after_a_restart() -> None:
    assert per_minute({"a": 10.0}, {"a": 40.0, "b": 6.0}, 30.0) == {"a": 60.0, "b": 12.0}
    assert per_minute({"a": 100.0}, {"a": 5.0}, 60.0) == {"a": 5.0}
    assert per_minute({"a": 1.0}, {"a": 2.0}, 0.0) == {}
