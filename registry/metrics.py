"""Prometheus metrics of one registry process, served at /metrics in the text exposition format.

Each application has its own collector registry (tests build many applications in one process). With
several uvicorn workers each worker counts its own requests; scrape them through one port per
worker, or run one worker per container (docs/security.md).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "unmatched"  # paths no route has, counted together so they cannot grow the series


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
            "In-process cache lookups, by cache (schema, version, parsed) and result (hit, miss)",
            ["cache", "result"],
            registry=self.registry,
        )
        self._cache_lookups = {
            (cache, hit): cache_lookups.labels(cache, "hit" if hit else "miss")
            for cache in ("schema", "version", "parsed")
            for hit in (True, False)
        }

    def observe_request(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_cache_lookup(self, cache: str, hit: bool) -> None:
        self._cache_lookups[(cache, hit)].inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
