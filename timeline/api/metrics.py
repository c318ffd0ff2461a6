"""`GET /metrics`: this worker's counters in the Prometheus text format.

The request pipeline counts with plain ints and dicts (a few hundred nanoseconds a request);
`prometheus-client` only formats them when a scraper asks, through a custom collector, so a
request never touches a lock or a metric object.

Every series carries a `worker` label (the process id): with `timeline serve --workers N` the
workers share one port and a scrape reaches one of them, so each worker reports its own
counts and the label keeps their series apart. For exact totals across workers run one
worker per port (the README's Production section: one process per port behind the load
balancer, each scraped on its own) and sum in Prometheus.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Iterator
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from timeline.services import analysis, caches
from timeline.store.db import Database

__all__ = ["BUCKETS", "RequestMetrics", "metrics_endpoint", "registry_for"]

# Seconds: from a 304 served from memory (~0.5 ms) to a cold 100k-event page.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class RequestMetrics:
    """One worker's request counts and latencies, as plain numbers."""

    def __init__(self) -> None:
        # per (route template, method, status): one count per latency bucket (the last: beyond
        # every bound), then the sum of seconds; one lookup a request, totals made on scrape
        self.rows: dict[tuple[str, str, int], list[float]] = {}
        self.refused = 0
        self.started = time.time()

    def observe(self, template: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        row = self.rows.get((template, method, status))
        if row is None:
            row = self.rows[template, method, status] = [0.0] * (len(BUCKETS) + 2)
        row[bisect.bisect_left(BUCKETS, seconds)] += 1
        row[-1] += seconds

    def requests(self) -> dict[tuple[str, str, int], int]:
        """Requests answered, by route template, method and status."""
        return {key: int(sum(row[:-1])) for key, row in list(self.rows.items())}

    def latency(self) -> dict[str, list[float]]:
        """Per route template: the count in each latency bucket, then the sum of seconds."""
        routes: dict[str, list[float]] = {}
        for (template, _, _), row in list(self.rows.items()):
            total = routes.get(template)
            if total is None:
                routes[template] = list(row)
            else:
                routes[template] = [a + b for a, b in zip(total, row, strict=True)]
        return routes


def _pool(db: Database) -> Iterator[tuple[str, float]]:
    for role, engine in (("read", db.read_engine), ("write", db.write_engine)):
        pool: Any = engine.pool
        for name in ("checkedout", "checkedin", "size"):
            method = getattr(pool, name, None)
            if method is not None:
                yield f"{role}_{name}", float(method())
        if db.write_engine is db.read_engine:
            return


class _Collector(Collector):
    """Reads the counters of the pipeline, the caches and the pool at scrape time."""

    def __init__(self, metrics: RequestMetrics, db: Database) -> None:
        self.metrics = metrics
        self.db = db
        self.worker = str(os.getpid())

    def collect(self) -> Iterator[Metric]:
        """Every metric family of this worker."""
        worker = self.worker
        requests = CounterMetricFamily(
            "timeline_http_requests",
            "HTTP requests answered, by route template, method and status",
            labels=["worker", "route", "method", "status"],
        )
        for (route, method, status), count in self.metrics.requests().items():
            requests.add_metric([worker, route, method, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "timeline_http_request_duration_seconds",
            "Time from a request's arrival in the pipeline to its last byte handed to the server",
            labels=["worker", "route"],
        )
        for route, counts in self.metrics.latency().items():
            cumulative = 0.0
            buckets: list[tuple[str, float]] = []
            for bound, in_bucket in zip((*BUCKETS, float("inf")), counts[:-1], strict=True):
                cumulative += in_bucket
                buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            latency.add_metric([worker, route], buckets, counts[-1])
        yield latency
        refused = CounterMetricFamily(
            "timeline_rate_limit_refusals",
            "Requests refused with 429 by the rate limits",
            labels=["worker"],
        )
        refused.add_metric([worker], self.metrics.refused)
        yield refused
        yield from self._caches(worker)
        pool = GaugeMetricFamily(
            "timeline_db_pool_connections",
            "Database pool connections by engine and state (checked out, idle, pool size)",
            labels=["worker", "state"],
        )
        for state, value in _pool(self.db):
            pool.add_metric([worker, state], value)
        yield pool

    def _caches(self, worker: str) -> Iterator[Metric]:
        entries = GaugeMetricFamily(
            "timeline_cache_entries",
            "Entries (bodies: bytes) held by each of this worker's caches",
            labels=["worker", "cache"],
        )
        hits = CounterMetricFamily(
            "timeline_cache_hits",
            "Lookups a cache answered",
            labels=["worker", "cache"],
        )
        misses = CounterMetricFamily(
            "timeline_cache_misses",
            "Lookups a cache could not answer",
            labels=["worker", "cache"],
        )
        for name, report in caches.cache_reports(self.db).items():
            entries.add_metric([worker, name], report.size)
            hits.add_metric([worker, name], report.hits)
            misses.add_metric([worker, name], report.misses)
        for name, size in _analysis_cache_sizes(self.db).items():
            entries.add_metric([worker, name], size)
        computed = SummaryMetricFamily(
            "timeline_analysis_computation_seconds",
            "Analyses computed (cache misses) and the seconds spent computing them",
            labels=["worker", "analysis"],
        )
        for name, counts in analysis.analysis_counts().items():
            hits.add_metric([worker, f"analysis_{name}"], counts.hits)
            misses.add_metric([worker, f"analysis_{name}"], counts.misses)
            computed.add_metric([worker, name], counts.misses, counts.seconds)
        yield entries
        yield hits
        yield misses
        yield computed


def _analysis_cache_sizes(db: Database) -> dict[str, float]:
    """What each analysis cache of this worker holds for `db`."""
    sizes: dict[str, float] = {}
    for name, registry in (
        ("analysis_inputs", analysis._inputs_caches),
        ("risk_reports", analysis._risk_caches),
        ("eif_analyses", analysis._eif_caches),
    ):
        cache: Any = registry.get(db)
        if cache is not None:
            sizes[name] = len(cache)
    return sizes


def registry_for(metrics: RequestMetrics, db: Database) -> CollectorRegistry:
    """A registry of this worker's metrics only (not the process-wide default one)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(metrics, db))
    return registry


@get("/metrics", include_in_schema=False, sync_to_thread=False)
def metrics_endpoint(state: State) -> Response[bytes]:
    """This worker's metrics in the Prometheus text format."""
    registry: CollectorRegistry = state["metrics_registry"]
    return Response(content=generate_latest(registry), media_type=CONTENT_TYPE)
