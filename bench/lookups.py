"""Lookups at scale: `.venv/bin/python -m bench.lookups [--count 100000] [--seconds 5]
[--backends sqlite postgresql] [--measure misses deletes auth burst memory]`.

For each backend, on `--count` schemas seeded by SQL (bench.registry.seed: version 1 of subject
`seeded-N` is schema N), one uvicorn worker and 32 keep-alive connections (bench.load), in one run:

Rates move with whatever else the machine runs; each figure also carries the server's CPU time per
request (`server_cpu_ms_per_request`), which hardly does.

1. misses: a cold process sweeps `--miss-ids` ids once each (every request a cache miss) on
   GET /schemas/ids/{id}, /subjects/{s}/versions/1 and /subjects/{s}/versions/latest, then asks the same
   ids at random for `--seconds` (cached); the ratio is miss rate / cached rate. `latest` is never cached
   (a registration may change it at any time): its second pass reads the database too.
2. deletes: cached random lookups while another registry process deletes a subject every second (soft,
   then permanently), against the quiet rate just before.
3. auth: cached random lookups with authentication on, by a reader of `seeded-*` (a principal limited to
   subject patterns), against authentication off: two processes in three alternating rounds, the
   median round of each.
4. burst: 2,000 distinct ids asked by 64 connections of a cold process at once.
5. memory: RSS after sweeping all `--count` ids with ACCORD_CACHE_SCHEMA_BYTES=`--budget-mib`, against
   the RSS after startup, and the schema cache's bytes from /metrics.
6. population (asked for by name, `--measure population`): random ids over all `--count` schemas on a
   cold process with ACCORD_CACHE_WARM_UP and `--population-budget-mib`, after `--warm-up-seconds` of
   that same load, against random ids over 1,000 cached schemas; and the cold process's startup.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.registry import database, load, load_with_cpu, median_round, seed, server
from tests.support.credentials import CredentialsBuilder, basic

ROUTES = {
    "by_id": "/schemas/ids/{id}",
    "version": "/subjects/seeded-{id}/versions/1",
    "latest": "/subjects/seeded-{id}/versions/latest",
}
READER = ("reader", "reader-password")
CREDENTIALS = (
    CredentialsBuilder().user(*READER, ("reader", ["seeded-*"])).user("root", "root", ("admin", ["*"]))
)


@contextmanager
def environment(**variables: str) -> Iterator[None]:
    """Environment variables for the servers started inside (bench.registry.server passes its own)."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def measure_misses(url: str, miss_ids: int, seconds: float) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, template in ROUTES.items():
        with server(url) as (base_url, _, _):  # a cold process for each route
            miss = load_with_cpu(
                base_url, 600, workload="sweep_ids", template=template, first=1, last=miss_ids
            )
            cached = load_with_cpu(
                base_url, seconds, workload="random_ids", template=template, first=1, last=miss_ids
            )
        report[name] = {
            "miss": miss,
            "cached": cached,
            "ratio": round(miss["requests_per_second"] / cached["requests_per_second"], 3),
        }
    return report


def measure_deletes(url: str, count: int, seconds: float) -> dict[str, Any]:
    """Deletes go to a second process; lookups ask ids below the ones deleted."""
    lookups = {"workload": "random_ids", "first": 1, "last": min(count - 1000, 20_000)}
    with server(url) as (base_url, _, _), server(url) as (deleter_url, _, _):
        load(base_url, 600, workload="sweep_ids", first=1, last=lookups["last"])  # warm
        quiet = load_with_cpu(base_url, seconds, **lookups)
        stop = threading.Event()
        deleted: list[int] = []

        def delete_every_second() -> None:
            with httpx.Client(base_url=deleter_url) as client:
                subject = count
                while not stop.is_set():
                    client.delete(f"/subjects/seeded-{subject}").raise_for_status()
                    client.delete(f"/subjects/seeded-{subject}?permanent=true").raise_for_status()
                    deleted.append(subject)
                    subject -= 1
                    stop.wait(1.0)

        deleter = threading.Thread(target=delete_every_second)
        deleter.start()
        try:
            busy = load_with_cpu(base_url, seconds, **lookups)
        finally:
            stop.set()
            deleter.join()
    return {
        "quiet": quiet,
        "deleting": busy,
        "subjects_deleted": len(deleted),
        "ratio": round(busy["requests_per_second"] / quiet["requests_per_second"], 3),
    }


def measure_auth(url: str, count: int, seconds: float, rounds: int = 3) -> dict[str, Any]:
    """Two processes, authentication off and on, loaded in alternating rounds (the median round of
    each counts): the machine's other load shifts both alike."""
    lookups = {"workload": "random_ids", "first": 1, "last": min(count, 20_000)}
    credentials = {"ACCORD_AUTH_CREDENTIALS": CREDENTIALS.toml()}
    with server(url) as (off_url, _, _), environment(**credentials), server(url) as (on_url, _, _):
        runs: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
        targets = (("off", off_url, {}), ("on", on_url, basic(*READER)))
        for _, base_url, headers in targets:
            load(base_url, 600, workload="sweep_ids", first=1, last=lookups["last"], headers=headers)
        for _ in range(rounds):
            for name, base_url, headers in targets:
                runs[name].append(load_with_cpu(base_url, seconds, headers=headers, **lookups))
    report: dict[str, Any] = {name: median_round(entries) for name, entries in runs.items()}
    report["ratio"] = round(report["on"]["requests_per_second"] / report["off"]["requests_per_second"], 3)
    return report


def measure_burst(url: str) -> dict[str, Any]:
    with server(url) as (base_url, _, _):
        burst = load(base_url, 600, workload="sweep_ids", first=1, last=2000, connections=64)
        entries = _metric(base_url, 'accord_cache_entries{cache="schema"}')
    return {"burst": burst, "schemas_cached": entries}


def measure_memory(url: str, count: int, budget_mib: int) -> dict[str, Any]:
    with environment(ACCORD_CACHE_SCHEMA_BYTES=str(budget_mib * 1024 * 1024)), server(url) as (base, _, rss):
        sweep = load(base, 1800, workload="sweep_ids", first=1, last=count)
        after = _rss_kib_of_port(int(base.rsplit(":", 1)[1]))
        cached = _metric(base, 'accord_cache_bytes{cache="schema"}')
    os.environ.pop("ACCORD_CACHE_SCHEMA_BYTES", None)
    return {
        "budget_mib": budget_mib,
        "rss_after_startup_mib": round(rss / 1024, 1),
        "rss_after_sweep_mib": round(after / 1024, 1),
        "schema_cache_mib": round(cached / 1024 / 1024, 1),
        "sweep": sweep,
    }


def measure_population(
    url: str, count: int, seconds: float, warm_up_seconds: float, budget_mib: int
) -> dict[str, Any]:
    """Random ids over the whole population on a cold process with ACCORD_CACHE_WARM_UP, after
    `warm_up_seconds` of the same load, against random ids over 1,000 cached schemas."""
    with server(url) as (base_url, _, _):
        load(base_url, 600, workload="sweep_ids", first=1, last=1000)
        small = load_with_cpu(base_url, seconds, workload="random_ids", first=1, last=1000)
    variables = {"ACCORD_CACHE_WARM_UP": "true", "ACCORD_CACHE_SCHEMA_BYTES": str(budget_mib * 1024 * 1024)}
    with environment(**variables), server(url) as (base_url, startup, _):
        warming = load_with_cpu(base_url, warm_up_seconds, workload="random_ids", first=1, last=count)
        warm = load_with_cpu(base_url, seconds, workload="random_ids", first=1, last=count)
        cached = _metric(base_url, 'accord_cache_entries{cache="schema"}')
        rss = _rss_kib_of_port(int(base_url.rsplit(":", 1)[1]))
    for name in variables:
        os.environ.pop(name, None)
    return {
        "startup_s": round(startup, 3),
        "cached_1000": small,
        "first_seconds": warming,
        "after_warm_up": warm,
        "schemas_cached": cached,
        "rss_mib": round(rss / 1024, 1),
        "ratio": round(warm["requests_per_second"] / small["requests_per_second"], 3),
    }


def _metric(base_url: str, series: str) -> float:
    for line in httpx.get(f"{base_url}/metrics").text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise LookupError(series)


def _rss_kib_of_port(port: int) -> int:
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status.parent / "cmdline").read_bytes().split(b"\0")
            lines = status.read_text().splitlines()
        except OSError:
            continue
        if b"uvicorn" in command and str(port).encode() in command:
            return next(int(line.split()[1]) for line in lines if line.startswith("VmRSS:"))
    raise LookupError(port)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000, help="schemas seeded")
    parser.add_argument("--miss-ids", type=int, default=10_000, help="ids each miss sweep reads")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each timed run")
    parser.add_argument("--budget-mib", type=int, default=16, help="schema cache budget of the memory sweep")
    parser.add_argument("--warm-up-seconds", type=float, default=60.0, help="load before the population run")
    parser.add_argument(
        "--population-budget-mib", type=int, default=1024, help="schema cache budget of the population run"
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--measure", nargs="+", default=["misses", "deletes", "auth", "burst", "memory"])
    options = parser.parse_args()
    for backend in options.backends:
        report: dict[str, Any] = {"schemas": options.count}
        with database(backend) as url:
            started = time.perf_counter()
            seed(url, options.count)
            report["seed_s"] = round(time.perf_counter() - started, 1)
            if "misses" in options.measure:
                report["misses"] = measure_misses(url, options.miss_ids, options.seconds)
            if "auth" in options.measure:
                report["auth"] = measure_auth(url, options.count, options.seconds)
            if "population" in options.measure:
                report["population"] = measure_population(
                    url,
                    options.count,
                    options.seconds,
                    options.warm_up_seconds,
                    options.population_budget_mib,
                )
            if "burst" in options.measure:
                report["burst"] = measure_burst(url)
            if "memory" in options.measure:
                report["memory"] = measure_memory(url, options.count, options.budget_mib)
            if "deletes" in options.measure:  # last: it removes subjects
                report["deletes"] = measure_deletes(url, options.count, options.seconds)
        print(json.dumps({backend: report}, indent=2), flush=True)


if __name__ == "__main__":
    main()
