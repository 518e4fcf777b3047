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
from typing import IO

import httpx

ACCORD = Path(sys.executable).with_name("accord")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_registry(
    database_url: str, *, workers: int = 1, migrate: bool = True, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Start `accord serve` on `database_url`; yield its base URL once /health/live answers."""
    process, base_url = start_registry(database_url, workers=workers, migrate=migrate, env=env)
    try:
        yield base_url
    finally:
        stop_registry(process)


def start_registry(
    database_url: str,
    *,
    workers: int = 1,
    migrate: bool = True,
    env: dict[str, str] | None = None,
    port: int | None = None,
    log: IO[bytes] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `accord serve` and return the process and its base URL once /health/live answers (the
    caller stops it, with stop_registry or by killing it). Its log goes to `log` when given (a server
    that logs much must not write into a pipe nobody reads)."""
    port = port or free_port()
    command = [
        str(ACCORD),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--workers",
        str(workers),
    ]
    if migrate:
        command.append("--migrate")
    process = subprocess.Popen(
        command,
        env={**os.environ, "ACCORD_LOG_LEVEL": "WARNING", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_live(base_url, process)
    except BaseException:
        stop_registry(process)
        raise
    return process, base_url


def stop_registry(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_live(base_url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"accord serve exited with {process.returncode}: {stderr[-2000:]}")
        try:
            if httpx.get(f"{base_url}/health/live", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"accord serve did not answer on {base_url} within {timeout} s")
