"""`accord serve` as a real subprocess on a free loopback port, stopped on exit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.databases import copy_sqlite

ACCORD = str(Path(sys.executable).with_name("accord"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_registry(
    database_url: str,
    *,
    workers: int = 1,
    migrate: bool = True,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
) -> Iterator[str]:
    """`accord serve` on `database_url`; yields its base URL once /health/ready answers."""
    port = free_port()
    command = [ACCORD, "serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", database_url]
    command += ["--workers", str(workers), *(["--migrate"] if migrate else [])]
    log = log_path.open("wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        command,
        env={**os.environ, "ACCORD_LOG_LEVEL": "WARNING", **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT if log_path else subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()  # type: ignore[union-attr]


@contextmanager
def running_registry(directory: Path, template_url: str) -> Iterator[str]:
    """`accord serve` on a copy of the migrated SQLite `template_url`; yields its URL, stops it after."""
    directory.mkdir(parents=True, exist_ok=True)
    database_url = copy_sqlite(template_url, directory)
    with serve_registry(database_url, migrate=False, log_path=directory / "server.log") as url:
        yield url


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read().decode()[-2000:] if process.stderr else ""
            raise RuntimeError(f"accord serve exited with {process.returncode} before it was ready: {output}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"accord serve at {url} was not ready within {timeout} s")
