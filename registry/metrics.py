"""Prometheus metrics of one registry process, served at /metrics in the text exposition format.

Each application has its own collector registry (tests build many applications in one process). With
several uvicorn workers each worker counts its own requests; scrape them through one port per
worker, or run one worker per container (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "unmatched"  # paths no route has, counted together so they cannot grow the series


class MeasuredCache(Protocol):
    """What the metrics read of a bounded cache."""

    bytes: int
    budget: int
    evictions: int

    def __len__(self) -> int: ...


class Metrics:
    """The counters and histograms of one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "accord_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "accord_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response, by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registrations = Counter(
            "accord_schema_registrations",
            "New subject versions registered (re-registering a registered schema does not count)",
            registry=self.registry,
        )
        self.compatibility_failures = Counter(
            "accord_compatibility_failures",
            "Schemas found incompatible: registrations refused (register) and failed checks (check)",
            ["operation"],
            registry=self.registry,
        )
        cache_lookups = Counter(
            "accord_cache_lookups",
            "In-process cache lookups, by cache (schema, version, owners, parsed) and result (hit, miss)",
            ["cache", "result"],
            registry=self.registry,
        )
        self._cache_lookups = {
            (cache, hit): cache_lookups.labels(cache, "hit" if hit else "miss")
            for cache in ("schema", "version", "owners", "parsed")
            for hit in (True, False)
        }
        self._caches: dict[str, MeasuredCache] = {}
        self.registry.register(_CacheCollector(self._caches))

    def watch_cache(self, name: str, cache: MeasuredCache) -> None:
        """Report the cache's size, budget, entries and evictions when scraped."""
        self._caches[name] = cache

    def observe_request(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_cache_lookup(self, cache: str, hit: bool) -> None:
        self._cache_lookups[(cache, hit)].inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _CacheCollector(Collector):
    """The byte-bounded caches' figures, read when scraped (they change with every lookup)."""

    def __init__(self, caches: dict[str, MeasuredCache]) -> None:
        self._caches = caches

    def collect(self) -> Iterator[Metric]:
        size = GaugeMetricFamily("accord_cache_bytes", "Bytes a cache holds, by cache", labels=["cache"])
        budget = GaugeMetricFamily(
            "accord_cache_budget_bytes", "A cache's byte budget (ACCORD_CACHE_*_BYTES)", labels=["cache"]
        )
        entries = GaugeMetricFamily(
            "accord_cache_entries", "Entries a cache holds, by cache", labels=["cache"]
        )
        evictions = CounterMetricFamily(
            "accord_cache_evictions",
            "Entries a cache dropped to stay within its byte budget, by cache",
            labels=["cache"],
        )
        for name, cache in self._caches.items():
            size.add_metric([name], cache.bytes)
            budget.add_metric([name], cache.budget)
            entries.add_metric([name], len(cache))
            evictions.add_metric([name], cache.evictions)
        yield from (size, budget, entries, evictions)

    def describe(self) -> Iterator[Metric]:
        return iter(())
