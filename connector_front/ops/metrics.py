"""The connector's Prometheus metrics: each signal (``observe.signals``) counted once.

Label values are bounded: models, operations, lanes, outcomes, status classes and route
templates, never an owner or a record id. A company id is a label only for the first
``metrics_companies`` companies this process sees (the rest count as ``other``).

Import this module only once the multiprocess directory is chosen (``multiprocess.py``):
prometheus-client decides at import whether values live in this process or in its files.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

from connector_front.observe import signals as s

# no ``_created`` series: multiprocess mode has none, and both modes export alike
disable_created_metrics()  # type: ignore[no-untyped-call]
PREFIX = "connector_front_"
REGISTRY = CollectorRegistry(auto_describe=True)
"""The metrics this process records (merged with other workers' at a scrape)."""

WAIT_BUCKETS = (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
LAG_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
PASS_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)
HOST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def _counter(name: str, doc: str, labels: tuple[str, ...]) -> Counter:
    return Counter(PREFIX + name, doc, labels, registry=REGISTRY)


def _histogram(
    name: str, doc: str, labels: tuple[str, ...], buckets: tuple[float, ...]
) -> Histogram:
    return Histogram(PREFIX + name, doc, labels, buckets=buckets, registry=REGISTRY)


FRONT_REQUESTS = _counter(
    "front_requests",
    "HTTP requests sent to Front (each retry counts), by unified model, operation, lane and "
    "status class",
    ("model", "operation", "lane", "status_class"),
)
FRONT_RETRIES = _counter("front_retries", "Requests to Front that were retries", ("lane",))
FRONT_RATE_LIMITED = _counter(
    "front_rate_limited", "Front's 429 answers (rate limit exceeded)", ("lane",)
)
BUDGET_WAIT = _histogram(
    "budget_wait_seconds",
    "Seconds a request waited for its turn in its company's rate-limit budget",
    ("lane",),
    WAIT_BUCKETS,
)
BUDGET_REQUESTS = _counter(
    "budget_requests",
    "Requests spent from a company's rate-limit budget, by lane",
    ("company", "lane"),
)
BUDGET_REMAINING = Gauge(
    PREFIX + "budget_remaining",
    "Requests left in a company's rate-limit window, as Front's last answer said",
    ("company",),
    registry=REGISTRY,
    multiprocess_mode="mostrecent",
)
BUDGET_LIMIT = Gauge(
    PREFIX + "budget_limit",
    "A company's rate-limit window size (requests), as Front's last answer said",
    ("company",),
    registry=REGISTRY,
    multiprocess_mode="mostrecent",
)
TOKEN_REFRESHES = _counter(
    "token_refreshes",
    "OAuth token refreshes: ok, failed (try again later), refused (re-authorize)",
    ("outcome",),
)
WEBHOOK_DELIVERIES = _counter(
    "webhook_deliveries",
    "Webhook deliveries: stored, refused or challenge at the intake; processed, unrouted, "
    "deferred, retried or failed by processing",
    ("outcome",),
)
WEBHOOK_REFUSALS = _counter(
    "webhook_refusals", "Webhook deliveries the intake refused, by reason", ("reason",)
)
EVENTS = _counter(
    "events", "Unified events added to the log", ("model", "trigger", "source")
)
EVENT_LAG = _histogram(
    "event_lag_seconds",
    "Seconds from Front's event time to the event in the log",
    ("source",),
    LAG_BUCKETS,
)
EVENT_PUSHES = _counter(
    "event_pushes", "Pushes of events to events_url: delivered or failed", ("outcome",)
)
SYNC_PASSES = _counter(
    "sync_passes", "Sync passes of one owner's model: clean, failed, skipped", ("model", "outcome")
)
SYNC_SECONDS = _histogram(
    "sync_pass_seconds", "Seconds a sync pass of one owner's model took", ("model",), PASS_BUCKETS
)
SYNC_LAST_CLEAN = Gauge(
    PREFIX + "sync_last_clean_timestamp_seconds",
    "When a sync pass of the model last finished clean (Unix time)",
    ("model",),
    registry=REGISTRY,
    multiprocess_mode="max",
)
HOST_REQUESTS = _counter(
    "host_requests",
    "Requests the host answered, by method, route template and status",
    ("method", "route", "status"),
)
HOST_SECONDS = _histogram(
    "host_request_seconds",
    "Seconds the host took to answer, by route template",
    ("route",),
    HOST_BUCKETS,
)


class CompanyLabels:
    """The ``company`` label of a pacing budget: the company id for the first ``cap``
    companies seen, ``other`` after; never an owner id."""

    KINDS: Mapping[str, str] = {"owner": "unknown", "api-token": "api-token"}
    """Budget key prefix -> label, for budgets that are not a known company's."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._named: set[str] = set()
        self._lock = threading.Lock()

    def label(self, budget: str) -> str:
        kind, _, rest = budget.partition(":")
        if kind != "company" or not rest:
            return self.KINDS.get(kind, "other")
        with self._lock:
            if rest in self._named:
                return rest
            if len(self._named) < self.cap:
                self._named.add(rest)
                return rest
        return "other"


def status_class(status: int | None) -> str:
    """``2xx`` .. ``5xx``; ``error`` when no answer came."""
    return "error" if status is None else f"{status // 100}xx"


class Recorder:
    """Counts signals into the metrics above (one handler per signal type)."""

    def __init__(self, companies: int) -> None:
        self.companies = CompanyLabels(companies)
        self._handlers: Mapping[type[Any], Callable[[Any], None]] = {
            s.FrontAnswered: self._front,
            s.FrontRetried: lambda x: FRONT_RETRIES.labels(x.lane).inc(),
            s.BudgetWaited: lambda x: BUDGET_WAIT.labels(x.lane).observe(x.seconds),
            s.BudgetSeen: self._budget,
            s.TokenRefreshed: lambda x: TOKEN_REFRESHES.labels(x.outcome).inc(),
            s.WebhookReceived: self._webhook,
            s.DeliveriesSettled: lambda x: WEBHOOK_DELIVERIES.labels(x.outcome).inc(x.count),
            s.EventLogged: self._event,
            s.EventPushed: lambda x: EVENT_PUSHES.labels(
                "delivered" if x.delivered else "failed"
            ).inc(),
            s.SyncRan: self._sync,
            s.HostAnswered: self._host,
        }

    def __call__(self, signal: s.Signal) -> None:
        self._handlers[type(signal)](signal)

    def _front(self, x: s.FrontAnswered) -> None:
        FRONT_REQUESTS.labels(x.work.model, x.work.operation, x.lane, status_class(x.status)).inc()
        BUDGET_REQUESTS.labels(self.companies.label(x.budget), x.lane).inc()
        if x.status == 429:
            FRONT_RATE_LIMITED.labels(x.lane).inc()

    def _budget(self, x: s.BudgetSeen) -> None:
        company = self.companies.label(x.budget)
        BUDGET_REMAINING.labels(company).set(x.remaining)
        BUDGET_LIMIT.labels(company).set(x.limit)

    def _webhook(self, x: s.WebhookReceived) -> None:
        WEBHOOK_DELIVERIES.labels(x.outcome).inc()
        if x.outcome == "refused":
            WEBHOOK_REFUSALS.labels(x.reason or "unknown").inc()

    def _event(self, x: s.EventLogged) -> None:
        EVENTS.labels(x.model, x.trigger, x.source).inc()
        EVENT_LAG.labels(x.source).observe(x.lag)

    def _sync(self, x: s.SyncRan) -> None:
        SYNC_PASSES.labels(x.model, x.outcome).inc()
        if x.outcome != "skipped":
            SYNC_SECONDS.labels(x.model).observe(x.seconds)
        if x.outcome == "clean":
            SYNC_LAST_CLEAN.labels(x.model).set(x.finished_at)

    def _host(self, x: s.HostAnswered) -> None:
        HOST_REQUESTS.labels(x.method, x.route, str(x.status)).inc()
        HOST_SECONDS.labels(x.route).observe(x.seconds)


_installed: Recorder | None = None
_stop: Callable[[], None] | None = None


def install(companies: int) -> Recorder:
    """Record signals into the metrics from now on (once per process; a later call only
    updates the company cap)."""
    global _installed, _stop
    if _installed is None:
        _installed = Recorder(companies)
        _stop = s.listen(_installed)
    else:
        _installed.companies.cap = companies
    return _installed
