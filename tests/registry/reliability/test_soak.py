"""A short soak (the long one is bench/soak.py): mixed load with no 5xx, and after warm-up no growth
in the server's memory, open files or database connections."""

from __future__ import annotations

from pathlib import Path

from bench.soak import run_soak
from tests.support.servers import start_registry, stop_registry

SECONDS = 8
THREADS = 8


def test_mixed_load_levels_off(fresh_database: str, tmp_path: Path) -> None:
    with (tmp_path / "server.log").open("wb") as log:
        process, base_url = start_registry(fresh_database, migrate=False, log=log)
        try:
            report = run_soak(base_url, process.pid, fresh_database, seconds=SECONDS, threads=THREADS)
        finally:
            stop_registry(process)
    assert report.requests > 200
    assert all(status < 500 for status in report.statuses), report.statuses
    warm, end = report.at(0.4), report.at(1.0)
    assert end.rss_mib - warm.rss_mib < 16, (warm, end)
    assert end.open_files - warm.open_files <= 4, (warm, end)
    if end.database_connections is not None and warm.database_connections is not None:
        assert end.database_connections <= warm.database_connections + 2, (warm, end)
        assert end.database_connections <= 25  # the pool's limit (10 + 10 overflow) and the probe
