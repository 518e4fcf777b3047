"""UI page latency with 100,000 subjects, against the registry's own API listing in the same run.

    .venv/bin/python -m bench.ui_pages [--subjects 100000] [--rounds 30] [--postgresql]

The registry is filled directly through SQL (one schema per subject, every tenth subject with three
versions, every fiftieth soft-deleted, every hundredth with its own FULL level) and analyzed, then
each page is fetched `rounds` times in-process (TestClient, so no network) in interleaved order. The floor is
`GET /subjects`, which lists every subject name and nothing else; the UI pages list 50 subjects with
their latest version, type, level and counts, plus the total that matches the filters.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text
from sqlmodel import SQLModel

from registry import migrations
from registry.app import create_app
from registry.config import Settings
from registry.models import SchemaRecord, SubjectConfig, SubjectVersion
from tests.support.databases import postgres_database

BATCH = 5000


def schema_text(number: int, version: int) -> str:
    fields = [{"name": "id", "type": "long"}] + [
        {"name": f"f{index}", "type": "string", "default": ""} for index in range(1, version)
    ]
    return orjson.dumps({"type": "record", "name": f"Event{number}", "fields": fields}).decode()


def fill(url: str, subjects: int) -> None:
    """`subjects` subjects named like team-NNN.event-NNNNNN-value, written in batches."""
    tables = SQLModel.metadata.tables
    engine = create_engine(url)
    schema_id = 0
    with engine.begin() as connection:
        for start in range(0, subjects, BATCH):
            schemas, versions, configs = [], [], []
            for number in range(start, min(start + BATCH, subjects)):
                subject = f"team-{number % 100:03d}.event-{number:06d}-value"
                for version in range(1, 4 if number % 10 == 0 else 2):
                    schema_id += 1
                    body = schema_text(number, version)
                    schemas.append(
                        {
                            "id": schema_id,
                            "fingerprint": hashlib.sha256(body.encode()).hexdigest(),
                            "schema_type": "AVRO",
                            "schema_text": body,
                        }
                    )
                    versions.append(
                        {
                            "subject": subject,
                            "version": version,
                            "schema_id": schema_id,
                            "deleted": number % 50 == 1,
                        }
                    )
                if number % 100 == 2:
                    configs.append({"subject": subject, "compatibility_level": "FULL"})
            connection.execute(insert(tables[SchemaRecord.__tablename__]), schemas)
            connection.execute(insert(tables[SubjectVersion.__tablename__]), versions)
            if configs:
                connection.execute(insert(tables[SubjectConfig.__tablename__]), configs)
    # Statistics and the visibility map, as autovacuum would have them on a long-lived database.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client: TestClient, paths: dict[str, str], rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for path in paths.values():  # warm up: caches, prepared statements, templates
        client.get(path).raise_for_status()
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            response = client.get(path)
            timings[name].append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return timings


@contextmanager
def database(postgresql: bool) -> Iterator[str]:
    if postgresql:
        with postgres_database("accord_bench_ui") as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'registry.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--postgresql", action="store_true", help="PostgreSQL at 127.0.0.1:5432 instead of SQLite"
    )
    arguments = parser.parse_args()
    middle = f"team-050.event-{arguments.subjects // 2:06d}-value"
    paths = {
        "floor: GET /subjects (all names)": "/subjects",
        "UI subjects, first page": "/ui/subjects",
        "UI subjects, page in the middle": f"/ui/subjects?after={middle}",
        "UI subjects, last page": "/ui/subjects?before=team-999",
        "UI subjects, prefix team-042.": "/ui/subjects?prefix=team-042.",
        "UI subjects, level FULL": "/ui/subjects?compatibility=FULL",
        "UI subjects, soft-deleted": "/ui/subjects?state=deleted",
        "UI subjects, type AVRO (full scan)": "/ui/subjects?type=AVRO",
        "UI subject page": "/ui/subjects/team-000.event-000000-value",
        "UI diff v1 -> v3": "/ui/subjects/team-000.event-000000-value/diff?old=1&new=3",
        "UI schema by id": "/ui/schemas/1",
    }
    timings = time_pages(
        postgresql=arguments.postgresql,
        fill=lambda url: fill(url, arguments.subjects),
        paths=paths,
        rounds=arguments.rounds,
    )
    backend = "PostgreSQL" if arguments.postgresql else "SQLite"
    print(f"\n{backend}, {arguments.subjects:,} subjects, {arguments.rounds} rounds (ms)\n")
    print_table(timings, floor="floor: GET /subjects (all names)")


def time_pages(
    *, postgresql: bool, fill: Callable[[str], None], paths: dict[str, str], rounds: int
) -> dict[str, list[float]]:
    """Each page's times on a new, migrated database that `fill` filled."""
    with database(postgresql) as url:
        migrations.upgrade(url)
        started = time.perf_counter()
        fill(url)
        print(f"filled in {time.perf_counter() - started:.1f} s")
        with TestClient(create_app(Settings(database_url=url))) as client:
            return measure(client, paths, rounds)


def print_table(timings: dict[str, list[float]], *, floor: str) -> None:
    """p50, p99 and p50 against the floor's p50, per page, as a Markdown table."""
    floor_p50 = statistics.median(timings[floor])
    width = max(len(name) for name in timings)
    print(f"| {'page':<{width}} | {'p50':>8} | {'p99':>8} | {'p50 / floor':>11} |")
    print(f"|{'-' * (width + 2)}|{'-' * 10}|{'-' * 10}|{'-' * 13}|")
    for name, samples in timings.items():
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        print(f"| {name:<{width}} | {p50:8.1f} | {p99:8.1f} | {p50 / floor_p50:11.2f} |")


if __name__ == "__main__":
    main()
