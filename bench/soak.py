"""Soak: mixed load against a real `accord serve` for a while, watching the server's memory, open files
and (on PostgreSQL) database connections, which must level off after warm-up.

    .venv/bin/python -m bench.soak [--seconds 300] [--threads 16] [--postgresql]

The load: 40% reads of schemas by id, 15% latest versions, 15% registrations (re-registering one of a
fixed set of schemas, so the data stops growing), 10% compatibility checks, 10% config reads and
changes, 5% subject listings, 5% soft deletes (re-registration then makes a new version, and every
process empties its caches). The test suite runs the same load for a few seconds (tests/registry/reliability).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SUBJECTS = [f"soak-{number}" for number in range(20)]
SCHEMAS = [
    json.dumps(
        {"type": "record", "name": "Soak", "fields": [{"name": f"f{number}", "type": "long", "default": 0}]}
    )
    for number in range(50)
]


@dataclass
class Sample:
    elapsed: float
    rss_mib: float
    open_files: int
    database_connections: int | None


@dataclass
class SoakReport:
    samples: list[Sample] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    requests: int = 0

    def at(self, fraction: float) -> Sample:
        """The sample closest to `fraction` of the run."""
        target = self.samples[-1].elapsed * fraction
        return min(self.samples, key=lambda sample: abs(sample.elapsed - target))


def run_soak(base_url: str, pid: int, database_url: str, *, seconds: float, threads: int) -> SoakReport:
    """Load the server at `base_url` (process `pid`) for `seconds` with `threads` clients."""
    report = SoakReport()
    lock = threading.Lock()
    stop = threading.Event()
    workers = [
        threading.Thread(target=_client, args=(base_url, number, report, lock, stop))
        for number in range(threads)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    server = psutil.Process(pid)
    while time.monotonic() - started < seconds:
        report.samples.append(
            Sample(
                elapsed=time.monotonic() - started,
                rss_mib=sum(p.memory_info().rss for p in [server, *server.children(recursive=True)]) / 2**20,
                open_files=sum(p.num_fds() for p in [server, *server.children(recursive=True)]),
                database_connections=_database_connections(database_url),
            )
        )
        time.sleep(min(1.0, seconds / 20))
    stop.set()
    for worker in workers:
        worker.join()
    return report


def _client(
    base_url: str, number: int, report: SoakReport, lock: threading.Lock, stop: threading.Event
) -> None:
    chooser = random.Random(number)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        while not stop.is_set():
            subject = chooser.choice(SUBJECTS)
            roll = chooser.random()
            if roll < 0.40:
                response = client.get(f"/schemas/ids/{chooser.randint(1, len(SCHEMAS))}")
            elif roll < 0.55:
                response = client.get(f"/subjects/{subject}/versions/latest")
            elif roll < 0.70:
                response = client.post(
                    f"/subjects/{subject}/versions", json={"schema": chooser.choice(SCHEMAS)}
                )
            elif roll < 0.80:
                body = {"schema": chooser.choice(SCHEMAS)}
                response = client.post(f"/compatibility/subjects/{subject}/versions/latest", json=body)
            elif roll < 0.85:
                response = client.put(
                    f"/config/{subject}", json={"compatibility": chooser.choice(["NONE", "FULL"])}
                )
            elif roll < 0.90:
                response = client.get(f"/config/{subject}?defaultToGlobal=true")
            elif roll < 0.95:
                response = client.get("/subjects")
            else:
                response = client.delete(f"/subjects/{subject}/versions/latest")
            with lock:
                report.statuses[response.status_code] += 1
                report.requests += 1


def _database_connections(database_url: str) -> int | None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    engine = create_engine(url.set(database="postgres"))
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name")
            count: int = connection.execute(query, {"name": url.database}).scalar_one()
            return count
    finally:
        engine.dispose()


def main() -> None:
    from registry import migrations
    from tests.support.databases import postgres_database
    from tests.support.servers import start_registry, stop_registry

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--postgresql", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if options.postgresql:
            context = postgres_database("accord_soak")
            url = context.__enter__()
        else:
            context, url = None, f"sqlite:///{Path(directory) / 'soak.db'}"
        try:
            migrations.upgrade(url)
            with (Path(directory) / "server.log").open("wb") as log:
                process, base_url = start_registry(url, migrate=False, log=log)
                try:
                    report = run_soak(
                        base_url, process.pid, url, seconds=options.seconds, threads=options.threads
                    )
                finally:
                    stop_registry(process)
        finally:
            if context is not None:
                context.__exit__(None, None, None)
    backend = "PostgreSQL" if options.postgresql else "SQLite"
    print(f"{backend}, {options.threads} clients, {options.seconds:.0f} s: {report.requests} requests")
    print(f"statuses: {dict(sorted(report.statuses.items()))}")
    print("fraction  rss MiB  open files  db connections")
    for fraction in (0.1, 0.25, 0.5, 0.75, 1.0):
        sample = report.at(fraction)
        connections = "-" if sample.database_connections is None else sample.database_connections
        print(f"{fraction:8.2f}  {sample.rss_mib:7.1f}  {sample.open_files:10d}  {connections:>14}")


if __name__ == "__main__":
    main()
