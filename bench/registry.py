"""Benchmark of the registry service: `.venv/bin/python -m bench.registry [--seconds 5] [--large 100000]`.

For SQLite and PostgreSQL, against one uvicorn worker on loopback with the load generator
(bench/load.py) in a separate process, it measures:

1. GET /schemas/ids/{id} against GET /bench/bare (same bytes, same app), in alternating rounds;
2. re-registering an existing schema (POST /subjects/{s}/versions with a registered schema);
3. registering new versions of a 20-field Avro record, each BACKWARD-checked against the last;
4. startup time, memory and GET /schemas/ids/{id} throughput with 1,000 and with --large schemas
   registered (seeded by SQL; every id is read once to warm the cache before measuring);
5. startup alone (process start until /health/live answers), five starts on an empty database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert

from registry import migrations
from registry.models import SchemaRecord, SubjectVersion
from tests.support.databases import postgres_database
from tests.support.servers import free_port

CONNECTIONS = 32
WORKERS = 1
BENCH_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Reading",
        "namespace": "bench",
        "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"}],
    }
)


@contextmanager
def server(
    database_url: str, bare_body: bytes = b"{}", *, tree: Path | None = None
) -> Iterator[tuple[str, float, int]]:
    """uvicorn with the bench app of `tree` (a checkout with its own .venv; default: this one); yields
    (base URL, seconds until it answered, its RSS in KiB)."""
    port = free_port()
    env = {
        **os.environ,
        "ACCORD_DATABASE_URL": database_url,
        "ACCORD_BENCH_BARE_BODY": bare_body.decode(),
        "ACCORD_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable if tree is None else str(tree / ".venv" / "bin" / "python"),
        "-m",
        "uvicorn",
        "bench.app:create_bench_app",
        "--factory",
        "--host",
        "127.0.0.1",
    ]
    command += ["--port", str(port), "--workers", str(WORKERS), "--no-access-log", "--log-level", "warning"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=tree)
    base_url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{base_url}/health/live", timeout=0.2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.01)
            if process.poll() is not None:
                raise RuntimeError("the bench server exited")
        startup = time.perf_counter() - started
        yield base_url, startup, _rss_kib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def load(base_url: str, seconds: float, **workload: Any) -> dict[str, Any]:
    port = int(base_url.rsplit(":", 1)[1])
    spec = {"host": "127.0.0.1", "port": port, "connections": CONNECTIONS, "duration": seconds, **workload}
    output = subprocess.run(
        [sys.executable, "-m", "bench.load", json.dumps(spec)], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(output.stdout)
    return result


def measure_by_id_against_bare(database_url: str, seconds: float) -> dict[str, Any]:
    with server(database_url) as (base_url, _, _):
        schema_id = httpx.post(f"{base_url}/subjects/reading/versions", json={"schema": BENCH_SCHEMA}).json()[
            "id"
        ]
        body = httpx.get(f"{base_url}/schemas/ids/{schema_id}").content
    with server(database_url, body) as (base_url, _, _):
        assert httpx.get(f"{base_url}/bench/bare").content == body
        rounds: dict[str, list[dict[str, Any]]] = {"by_id": [], "bare": []}
        load(base_url, 1.0, workload="get", path=f"/schemas/ids/{schema_id}")  # warm up
        for _ in range(3):
            rounds["by_id"].append(load(base_url, seconds, workload="get", path=f"/schemas/ids/{schema_id}"))
            rounds["bare"].append(load(base_url, seconds, workload="get", path="/bench/bare"))
    by_id = median_round(rounds["by_id"])
    bare = median_round(rounds["bare"])
    return {
        "by_id": by_id,
        "bare": bare,
        "ratio": round(by_id["requests_per_second"] / bare["requests_per_second"], 3),
    }


def measure_registrations(database_url: str, seconds: float) -> dict[str, Any]:
    with server(database_url) as (base_url, _, _):
        body = json.dumps({"schema": BENCH_SCHEMA})
        httpx.post(f"{base_url}/subjects/reading/versions", content=body).raise_for_status()
        existing = load_with_cpu(
            base_url, seconds, workload="post", path="/subjects/reading/versions", body=body
        )
        new_versions = load_with_cpu(base_url, seconds, workload="new_versions", subject="measured")
    return {"re_register": existing, "new_versions": new_versions}


def load_with_cpu(base_url: str, seconds: float, **workload: Any) -> dict[str, Any]:
    """`load`, plus the CPU time the server processes spent per request: unlike the rate, it hardly
    moves when other jobs compete for the cores."""
    port = int(base_url.rsplit(":", 1)[1])
    before = _server_cpu_seconds(port)
    result = load(base_url, seconds, **workload)
    spent = _server_cpu_seconds(port) - before
    result["server_cpu_ms_per_request"] = round(spent * 1000 / max(result["requests"], 1), 3)
    return result


def measure_population(database_url: str, count: int, seconds: float) -> dict[str, Any]:
    seed(database_url, count)
    with server(database_url) as (base_url, startup, rss_kib):
        warm = load(base_url, 600, workload="sweep_ids", first=1, last=count, connections=CONNECTIONS)
        lookups = load(base_url, seconds, workload="random_ids", first=1, last=count)
    return {
        "schemas": count,
        "startup_s": round(startup, 3),
        "rss_kib": rss_kib,
        "warm_up": warm,
        "lookups": lookups,
    }


def measure_startup(database_url: str, starts: int = 5) -> dict[str, Any]:
    seconds = []
    for _ in range(starts):
        with server(database_url) as (_, startup, _):
            seconds.append(startup)
    return {
        "starts": starts,
        "median_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
    }


def seed(database_url: str, count: int) -> None:
    """Registered schemas up to `count`, written straight to the tables (setup, not measured)."""
    engine = create_engine(database_url)
    existing = _count(engine)
    batch = 5000
    for start in range(existing + 1, count + 1, batch):
        ids = range(start, min(count, start + batch - 1) + 1)
        schemas = [
            {
                "id": schema_id,
                "fingerprint": f"{schema_id:064d}",
                "schema_type": "AVRO",
                "schema_text": json.dumps(
                    {
                        "type": "record",
                        "name": f"Seeded{schema_id}",
                        "fields": [{"name": "n", "type": "long"}],
                    },
                    separators=(",", ":"),
                ),
            }
            for schema_id in ids
        ]
        versions = [
            {"subject": f"seeded-{schema_id}", "version": 1, "schema_id": schema_id} for schema_id in ids
        ]
        with engine.begin() as connection:
            connection.execute(insert(SchemaRecord), schemas)
            connection.execute(insert(SubjectVersion), versions)
    # As after any bulk load: the planner's statistics would otherwise describe the empty tables until
    # autovacuum caught up, minutes later at ten million rows.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def _count(engine: Any) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM schemas").scalar_one())


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    rate = statistics.median(entry["requests_per_second"] for entry in rounds)
    return min(rounds, key=lambda entry: abs(entry["requests_per_second"] - rate))


def _server_cpu_seconds(port: int) -> float:
    """User and system CPU seconds of the uvicorn processes serving `port` (the workers included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"uvicorn" in command and str(port).encode() in command:
            total += int(fields[11]) + int(fields[12])  # utime, stime
        elif b"multiprocessing" in b" ".join(command) and _parent_serves(int(fields[1]), port):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _parent_serves(pid: int, port: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"uvicorn" in command and str(port).encode() in command


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="accord-bench-") as directory:
            url = f"sqlite:///{Path(directory) / 'registry.db'}"
            migrations.upgrade(url)
            yield url
    else:
        with postgres_database("accord_bench") as url:
            migrations.upgrade(url)
            yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measured run")
    parser.add_argument("--large", type=int, default=100_000, help="schemas in the large population")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--measure",
        nargs="+",
        default=["by_id", "registrations", "populations"],
        help="which measurements (also: startup)",
    )
    options = parser.parse_args()
    global WORKERS
    WORKERS = options.workers
    report: dict[str, Any] = {}
    for backend in options.backends:
        report[backend] = {}
        if "by_id" in options.measure or "registrations" in options.measure:
            with database(backend) as url:
                if "by_id" in options.measure:
                    report[backend]["by_id_vs_bare"] = measure_by_id_against_bare(url, options.seconds)
                if "registrations" in options.measure:
                    report[backend].update(measure_registrations(url, options.seconds))
        if "startup" in options.measure:
            with database(backend) as url:
                report[backend]["startup"] = measure_startup(url)
        if "populations" in options.measure:
            with database(backend) as url:
                report[backend]["small_population"] = measure_population(url, 1000, options.seconds)
                report[backend]["large_population"] = measure_population(url, options.large, options.seconds)
        print(json.dumps({backend: report[backend]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
