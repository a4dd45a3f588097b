"""A scrape: this process's metrics (or every worker's, in multiprocess mode), the figures the
shared database gives, and what is derived from both, in Prometheus's text format."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from connector_front.ops import metrics
from connector_front.ops.multiprocess import directory
from connector_front.readings import Figures

P = metrics.PREFIX
FIGURES_TIMEOUT = 3.0
"""Seconds a scrape waits for the database's figures (then ``database_up`` is 0)."""


def recorded() -> list[Metric]:
    """The metrics recorded: every worker's, added up, in multiprocess mode."""
    shared = directory()
    if shared is None:
        return list(metrics.REGISTRY.collect())
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(shared))  # type: ignore[no-untyped-call]
    return list(registry.collect())


def figure_families(figures: Figures | None) -> list[Metric]:
    """The database's figures as gauges; ``database_up`` 0 (and no figures) without them."""
    up = GaugeMetricFamily(P + "database_up", "Whether the database answered this scrape")
    up.add_metric([], 0 if figures is None else 1)
    if figures is None:
        return [up]
    health = GaugeMetricFamily(
        P + "connections", "Connections by token health: valid, expiring, failed", labels=["health"]
    )
    for state, count in figures.connections.items():
        health.add_metric([state], count)
    depth = GaugeMetricFamily(P + "webhook_queue_depth", "Webhook deliveries waiting")
    depth.add_metric([], figures.queue_depth)
    oldest = GaugeMetricFamily(
        P + "webhook_queue_oldest_seconds", "Seconds the oldest waiting delivery has waited"
    )
    oldest.add_metric([], figures.queue_oldest or 0.0)
    outbox = GaugeMetricFamily(P + "outbox_depth", "Events not yet pushed to events_url")
    outbox.add_metric([], figures.outbox_depth)
    return [up, health, depth, oldest, outbox]


def since_clean(families: Iterable[Metric], now: float) -> Metric:
    """Seconds since each model's last clean sync pass, from the last-clean timestamps."""
    since = GaugeMetricFamily(
        P + "sync_since_clean_seconds",
        "Seconds since a sync pass of the model last finished clean",
        labels=["model"],
    )
    for family in families:
        if family.name == P + "sync_last_clean_timestamp_seconds":
            for sample in family.samples:
                since.add_metric([sample.labels["model"]], max(0.0, now - sample.value))
    return since


SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
"""The sample names a family of each type exports besides (or instead of) its own name."""


def exported_names() -> frozenset[str]:
    """Every sample name a scrape may hold (a dashboard's queries may name only these)."""
    families = [*metrics.REGISTRY.collect(), since_clean([], 0.0), *figure_families(Figures())]
    return frozenset(
        family.name + suffix for family in families for suffix in SUFFIXES.get(family.type, ("",))
    )


class _Families(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def render(families: list[Metric]) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(families))
    return generate_latest(registry)


async def scrape(plugin: Any) -> bytes:
    """The text a ``/metrics`` answers; ``plugin`` gives the figures (``figures()``) when it
    has them."""
    figures: Figures | None = None
    read = getattr(plugin, "figures", None)
    if read is not None:
        try:
            figures = await asyncio.wait_for(read(), FIGURES_TIMEOUT)
        except Exception:  # the database is away: said by database_up 0
            figures = None
    found = recorded()
    return render([*found, since_clean(found, time.time()), *figure_families(figures)])
