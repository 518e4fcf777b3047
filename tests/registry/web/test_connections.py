"""The HTTP server's limits on a real `accord serve`: oversized headers, slow headers, too many
connections, and which proxies' X-Forwarded-For it believes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from registry.web.connections import END_OF_HEADERS, HeaderMeter
from tests.registry.api.samples import USER_V1
from tests.support.databases import migrated_sqlite
from tests.support.servers import running_registry

LIMITS = {
    "ACCORD_MAX_HEADER_BYTES": "4096",
    "ACCORD_HEADER_TIMEOUT_SECONDS": "1",
    "ACCORD_MAX_CONNECTIONS": "20",
}


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = migrated_sqlite(tmp_path_factory.mktemp("connections"))
    with running_registry(database_url, migrate=False, env=LIMITS) as url:
        yield url


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)


def read_all(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_headers_over_the_limit_get_431_before_they_are_read_whole(registry_url: str) -> None:
    with connect(registry_url) as connection:
        connection.sendall(b"GET /subjects HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ")
        started = time.monotonic()
        try:
            for _ in range(1000):  # up to 64 MB, as the attacker would
                connection.sendall(b"A" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"ACCORD_MAX_HEADER_BYTES" in answer
    assert time.monotonic() - started < 5


def test_headers_under_the_limit_are_served(registry_url: str) -> None:
    response = httpx.get(f"{registry_url}/subjects", headers={"X-Padding": "p" * 3000})

    assert response.status_code == 200


def test_a_request_with_a_body_larger_than_the_header_limit_is_served(registry_url: str) -> None:
    schema = '{"type":"record","name":"Big","doc":"' + "d" * 20_000 + '","fields":[]}'

    response = httpx.post(f"{registry_url}/subjects/big/versions", json={"schema": schema})

    assert response.status_code == 200, response.text


def test_a_connection_whose_headers_never_finish_is_answered_408_and_closed(registry_url: str) -> None:
    with connect(registry_url) as connection:
        connection.sendall(b"GET /subjects HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 408 ")
    assert 0.5 < time.monotonic() - started < 5


def test_a_connection_that_sends_nothing_is_closed(registry_url: str) -> None:
    with connect(registry_url) as connection:
        answer = read_all(connection)

    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_kept_alive_connection_serves_several_requests(registry_url: str) -> None:
    with httpx.Client(base_url=registry_url) as client:
        answers = [client.get("/subjects").status_code for _ in range(3)]
        time.sleep(1.5)  # idle between requests is the keep-alive timeout's business, not the header timer's
        answers.append(client.get("/subjects").status_code)

    assert answers == [200, 200, 200, 200]


def test_connections_over_the_cap_are_refused_and_served_again_once_idle_ones_close(
    registry_url: str,
) -> None:
    idle = [connect(registry_url) for _ in range(25)]
    try:
        time.sleep(0.3)
        refused = []
        for connection in idle[20:]:
            connection.settimeout(2)
            refused.append(read_all(connection))
    finally:
        for connection in idle:
            connection.close()

    assert all(answer.startswith(b"HTTP/1.1 503 ") for answer in refused)
    time.sleep(1.5)  # the idle connections were closed by their header timer
    assert httpx.get(f"{registry_url}/subjects").status_code == 200


@pytest.mark.parametrize("split", range(1, 30))
def test_the_header_meter_stops_counting_at_the_end_of_headers_wherever_a_chunk_ends(split: int) -> None:
    request = b"GET / HTTP/1.1\r\nHost: x" + END_OF_HEADERS + b"body" * 100
    meter = HeaderMeter()

    meter.feed(request[:split])
    total = meter.feed(request[split:])

    assert total == len(b"GET / HTTP/1.1\r\nHost: x" + END_OF_HEADERS)


@pytest.mark.parametrize(
    ("allowed", "recorded"), [(None, "127.0.0.1"), ("127.0.0.1", "203.0.113.9")], ids=["default", "trusted"]
)
def test_x_forwarded_for_is_believed_only_from_the_proxies_named(
    tmp_path: Path, allowed: str | None, recorded: str
) -> None:
    database_url = migrated_sqlite(tmp_path)
    env = {} if allowed is None else {"ACCORD_FORWARDED_ALLOW_IPS": allowed}
    with running_registry(database_url, migrate=False, env=env) as url:
        response = httpx.post(
            f"{url}/subjects/s/versions", json={"schema": USER_V1}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert response.status_code == 200
        entries = httpx.get(f"{url}/audit").json()

    assert [entry["address"] for entry in entries] == [recorded]
