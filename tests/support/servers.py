"""A real `accord serve` process on a free port with its own SQLite database, for CLI tests."""

from __future__ import annotations

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
def running_registry(directory: Path, template_url: str) -> Iterator[str]:
    """`accord serve` on a copy of the migrated SQLite `template_url`; yields its URL, stops it after."""
    directory.mkdir(parents=True, exist_ok=True)
    database_url = copy_sqlite(template_url, directory)
    port = free_port()
    log = (directory / "server.log").open("wb")
    process = subprocess.Popen(
        [ACCORD, "serve", "--port", str(port), "--database-url", database_url],
        stdout=log,
        stderr=subprocess.STDOUT,
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
        log.close()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"accord serve exited with {process.returncode} before it was ready")
        try:
            if httpx.get(f"{url}/health/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"accord serve at {url} was not ready within {timeout} s")
