"""This tree's registry against an earlier checkout of it, side by side in one run:
`.venv/bin/python -m bench.revisions --before DIR [--seconds 5] [--rounds 3] [--backends sqlite postgresql]`

DIR is a checkout of the earlier revision with its own virtualenv (`git worktree add DIR REV`, then
`python3.11 -m venv DIR/.venv && DIR/.venv/bin/pip install -e 'DIR[dev]'`). Each round starts one
uvicorn worker per tree (its own bench app, bench/app.py) on a fresh migrated database and loads it
from a separate process (bench/load.py) with the reads and writes clients make most: a schema by id and
a subject version (both cached), a schema registered again, and new versions checked for compatibility.
Besides requests per second, it reports the CPU the server spent per request, which hardly moves when
other jobs share the machine; the figure to compare is the ratio of this tree to the earlier one.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import httpx

from bench.registry import BENCH_SCHEMA, database, load_with_cpu, server

WORKLOADS = {
    "GET /schemas/ids/{id}": {"workload": "get", "path": "/schemas/ids/{id}"},
    "GET /subjects/{s}/versions/1": {"workload": "get", "path": "/subjects/reading/versions/1"},
    "POST a registered schema": {"workload": "post", "path": "/subjects/reading/versions"},
    "POST new versions": {"workload": "new_versions", "subject": "measured"},
}


def measure_tree(tree: Path | None, backend: str, seconds: float) -> dict[str, dict[str, Any]]:
    """One round of every workload against the bench app of `tree` (None: this tree)."""
    with database(backend) as url, server(url, tree=tree) as (base_url, _, _):
        registered = httpx.post(f"{base_url}/subjects/reading/versions", json={"schema": BENCH_SCHEMA})
        schema_id = registered.raise_for_status().json()["id"]
        results = {}
        for name, workload in WORKLOADS.items():
            spec = dict(workload)
            if "path" in spec:
                spec["path"] = spec["path"].replace("{id}", str(schema_id))
            if spec["workload"] == "post":
                spec["body"] = json.dumps({"schema": BENCH_SCHEMA})
            results[name] = load_with_cpu(base_url, seconds, **spec)
        return results


def compare(before: Path, backends: list[str], seconds: float, rounds: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for backend in backends:
        runs: dict[str, list[dict[str, dict[str, Any]]]] = {"before": [], "now": []}
        for _ in range(rounds):  # alternating, so both trees meet the same noise
            runs["before"].append(measure_tree(before, backend, seconds))
            runs["now"].append(measure_tree(None, backend, seconds))
        report[backend] = {name: _summary(runs, name) for name in WORKLOADS}
    return report


def _summary(runs: dict[str, list[dict[str, dict[str, Any]]]], name: str) -> dict[str, Any]:
    figures = {}
    for side, results in runs.items():
        figures[side] = {
            "requests_per_second": statistics.median(r[name]["requests_per_second"] for r in results),
            "server_cpu_ms_per_request": statistics.median(
                r[name]["server_cpu_ms_per_request"] for r in results
            ),
        }
    before, now = figures["before"], figures["now"]
    return {
        **figures,
        "rate_now_vs_before": round(now["requests_per_second"] / before["requests_per_second"], 3),
        "cpu_now_vs_before": round(now["server_cpu_ms_per_request"] / before["server_cpu_ms_per_request"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the earlier revision")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    arguments = parser.parse_args()
    report = compare(arguments.before.resolve(), arguments.backends, arguments.seconds, arguments.rounds)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
