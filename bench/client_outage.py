"""A publisher's rate through a registry outage, against its warm-cache rate, in one run.

    .venv/bin/python -m bench.client_outage [--seconds 3] [--rounds 3] [--ttl 0.1]

A real `accord serve` on SQLite; a RegistryClient with a short `latest_ttl` (so the cached latest
version expires many times during each measurement) and EventSerializer publishing the JSON
OrderPlaced event with the subject's latest version, in a loop. Each round measures the rate with
the registry up, stops the registry (connections refused from then on) and measures again; the
registry is started again for the next round. The target: the rate during the outage is at least 95%
of the rate before it. Rates are given per wall-clock second and per second of the process's CPU (the
second holds better on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import orjson

from bench.order_created import ORDER_CREATED_DATA, ORDER_CREATED_JSON
from client import Envelope, EventSerializer, RegistryClient, Schema
from tests.support.databases import migrated_sqlite
from tests.support.servers import free_port, start_registry, stop_registry

JSON_TEXT = orjson.dumps(ORDER_CREATED_JSON).decode()


def publish_rate(serializer: EventSerializer, seconds: float) -> tuple[float, float]:
    """Events serialized per wall-clock second and per second of the process's CPU (background
    refreshes included), each a fresh envelope (new id and time), for `seconds`."""
    count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            serializer.serialize(Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="orders"))
        count += 100
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu_started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ttl", type=float, default=0.1, help="the client's latest_ttl, in seconds")
    options = parser.parse_args()
    database_url = migrated_sqlite(Path(tempfile.mkdtemp(prefix="accord-outage-")))
    port = free_port()
    ratios = []
    for number in range(1, options.rounds + 1):
        process, url = start_registry(database_url, port=port, migrate=False)
        client = RegistryClient(url, latest_ttl=options.ttl)
        client.register_schema("OrderPlaced", Schema(JSON_TEXT, "JSON"))
        serializer = EventSerializer(client)  # publishes with the subject's latest version
        publish_rate(serializer, 0.5)  # warm: the latest version and its codec cached
        up, up_cpu = publish_rate(serializer, options.seconds)
        stop_registry(process)
        down, down_cpu = publish_rate(serializer, options.seconds)
        ratios.append((down / up, down_cpu / up_cpu))
        print(
            f"round {number}: registry up {up:,.0f}/s ({up_cpu:,.0f} per CPU s), "
            f"down {down:,.0f}/s ({down_cpu:,.0f} per CPU s); "
            f"ratio {down / up:.3f} wall, {down_cpu / up_cpu:.3f} CPU; "
            f"circuit open: {not client.registry_available}"
        )
        client.close()
    wall = statistics.median(ratio for ratio, _ in ratios)
    cpu = statistics.median(ratio for _, ratio in ratios)
    print(f"median ratio (outage / warm): {wall:.3f} wall-clock, {cpu:.3f} per CPU second (target >= 0.95)")


if __name__ == "__main__":
    main()
