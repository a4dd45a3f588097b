"""A running host's ``/metrics`` read back into the figures ``connector-front status`` shows.

Pure: Prometheus text in, a plain summary out (rates come from two summaries).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

P = "connector_front_"


@dataclass(frozen=True)
class Summary:
    budget: dict[str, dict[str, float]] = field(default_factory=dict)
    """Company -> remaining and limit, as last seen."""
    requests: dict[str, float] = field(default_factory=dict)
    """Requests sent to Front by lane."""
    rate_limited: dict[str, float] = field(default_factory=dict)
    retries: float = 0.0
    refreshes: dict[str, float] = field(default_factory=dict)
    webhooks: dict[str, float] = field(default_factory=dict)
    events: float = 0.0
    event_lag: dict[str, float | None] = field(default_factory=dict)
    """``p50`` and ``p95`` seconds (None: no event yet)."""
    since_clean: dict[str, float] = field(default_factory=dict)
    """Model -> seconds since its last clean sync pass."""
    gauges: dict[str, float] = field(default_factory=dict)
    """The database's figures as the host saw them (queue depth, outbox...)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "requestsByLane": self.requests,
            "rateLimitedByLane": self.rate_limited,
            "retries": self.retries,
            "tokenRefreshes": self.refreshes,
            "webhookDeliveries": self.webhooks,
            "events": self.events,
            "eventLagSeconds": self.event_lag,
            "syncSinceCleanSeconds": self.since_clean,
        }


def _by(samples: Iterable[Any], label: str) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for sample in samples:
        found[sample.labels.get(label, "")] += sample.value
    return dict(found)


def quantile(buckets: Mapping[float, float], q: float) -> float | None:
    """The ``q`` quantile of a histogram's cumulative buckets (upper bound -> count), linear
    within a bucket, as PromQL's ``histogram_quantile`` does; None when it is empty."""
    ordered = sorted(buckets.items())
    total = ordered[-1][1] if ordered else 0.0
    if total <= 0:
        return None
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in ordered:
        if count >= rank:
            if math.isinf(bound):
                return lower
            inside = count - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 0.0)
        lower, below = bound, count
    return lower


def summarize(text: str) -> Summary:
    """The summary of one scrape."""
    samples: dict[str, list[Any]] = defaultdict(list)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[sample.name].append(sample)
    budget: dict[str, dict[str, float]] = defaultdict(dict)
    for name, key in (("budget_remaining", "remaining"), ("budget_limit", "limit")):
        for sample in samples[P + name]:
            budget[sample.labels["company"]][key] = sample.value
    lag: dict[float, float] = defaultdict(float)
    for sample in samples[P + "event_lag_seconds_bucket"]:
        lag[float(sample.labels["le"])] += sample.value
    return Summary(
        budget=dict(budget),
        requests=_by(samples[P + "front_requests_total"], "lane"),
        rate_limited=_by(samples[P + "front_rate_limited_total"], "lane"),
        retries=sum(s.value for s in samples[P + "front_retries_total"]),
        refreshes=_by(samples[P + "token_refreshes_total"], "outcome"),
        webhooks=_by(samples[P + "webhook_deliveries_total"], "outcome"),
        events=sum(s.value for s in samples[P + "events_total"]),
        event_lag={"p50": quantile(lag, 0.5), "p95": quantile(lag, 0.95)},
        since_clean={
            s.labels["model"]: s.value for s in samples[P + "sync_since_clean_seconds"]
        },
        gauges={
            name.removeprefix(P): found[0].value
            for name, found in samples.items()
            if found and name.removeprefix(P) in GAUGES
        },
    )


GAUGES = ("webhook_queue_depth", "webhook_queue_oldest_seconds", "outbox_depth", "database_up")


def per_minute(before: Mapping[str, float], after: Mapping[str, float], seconds: float) -> dict[
    str, float
]:
    """Counts per minute between two summaries' counters (a counter that went back, a
    restarted host, counts from zero)."""
    if seconds <= 0:
        return {}
    rates = {}
    for key, value in after.items():
        moved = value - before.get(key, 0.0)
        rates[key] = round((moved if moved >= 0 else value) * 60 / seconds, 2)
    return rates
