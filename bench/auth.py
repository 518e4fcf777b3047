"""What authentication and authorization cost per request, against the same registry with them off.

    .venv/bin/python -m bench.auth [--rounds 2000]

Three applications on one SQLite database, in-process (TestClient, no network): authentication off
(the floor), on with a caller that reads every subject (HTTP Basic, verified once then remembered),
and on with a caller whose grants are patterns (its schema-by-id reads must find a readable subject
that uses the schema). Requests are interleaved in small batches so that load from elsewhere on the
shared machine hits every case alike; p50/p99 are per-call means of the batches, in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from registry import migrations
from registry.app import create_app
from registry.config import Settings
from tests.support.credentials import CredentialsBuilder, basic

BATCH = 20
SCHEMA = '{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "long"}]}'
CREDENTIALS = (
    CredentialsBuilder()
    .user("everything", "everything-password", ("writer", ["*"]))
    .user("patterns", "patterns-password", ("writer", ["orders-*", "payments-*", "team-?-*"]))
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        migrations.upgrade(url)
        off = TestClient(create_app(Settings(database_url=url)))
        on = TestClient(create_app(Settings(database_url=url, auth_credentials=CREDENTIALS.toml())))
        with off, on:
            assert off.post("/subjects/orders-value/versions", json={"schema": SCHEMA}).status_code == 200
            callers = {
                "auth off (floor)": (off, {}),
                "auth on, reads every subject": (on, basic("everything", "everything-password")),
                "auth on, grants by pattern": (on, basic("patterns", "patterns-password")),
            }
            requests: dict[str, Callable[[TestClient, dict[str, str]], httpx.Response]] = {
                "GET /schemas/ids/1 (cached)": lambda client, headers: client.get(
                    "/schemas/ids/1", headers=headers
                ),
                "GET /subjects/{s}/versions/1": lambda client, headers: client.get(
                    "/subjects/orders-value/versions/1", headers=headers
                ),
                "POST /subjects/{s}/versions (known)": lambda client, headers: client.post(
                    "/subjects/orders-value/versions", json={"schema": SCHEMA}, headers=headers
                ),
            }
            print(f"{'request':36} {'caller':30} {'p50 µs':>8} {'p99 µs':>8} {'p50/floor':>10}")
            for label, send in requests.items():
                times: dict[str, list[float]] = {name: [] for name in callers}
                for name, (client, headers) in callers.items():
                    assert send(client, headers).status_code == 200, name  # warm: verified, cached
                for _ in range(rounds // BATCH):
                    for name, (client, headers) in callers.items():
                        started = time.perf_counter()
                        for _ in range(BATCH):
                            send(client, headers)
                        times[name].append((time.perf_counter() - started) / BATCH * 1e6)
                floor = statistics.median(times["auth off (floor)"])
                for name, samples in times.items():
                    p50 = statistics.median(samples)
                    p99 = statistics.quantiles(samples, n=100)[98]
                    print(f"{label:36} {name:30} {p50:8.0f} {p99:8.0f} {p50 / floor:10.2f}")


if __name__ == "__main__":
    main()
