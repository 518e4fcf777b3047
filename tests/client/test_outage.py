"""Publishing through a registry outage: cached schemas keep serving, the registry is asked at most once
per backoff (never once per message), each change of state is logged once and reported, and the client
recovers by itself."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import httpx
import pytest

from bench.order_created import ORDER_CREATED_DATA
from client import (
    AsyncRegistryClient,
    Envelope,
    EventSerializer,
    RegistryClient,
    RegistryUnavailableError,
    RetryPolicy,
)
from client.availability import RegistryAvailability
from tests.client.test_registry_client import FakeRegistry

NO_WAIT = RetryPolicy(retries=2, backoff=0)


class Registry(FakeRegistry):
    """The scripted registry, switched down and up; a thread-safe count of requests."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.lock = threading.Lock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if self.down:
                self.requests.append(request)
                raise httpx.ConnectError("connection refused")
            return super().handle(request)


def wait_for(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.01)


def test_a_publisher_keeps_publishing_through_an_outage_and_asks_once_per_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = Registry()
    changes: list[bool] = []
    client = RegistryClient(
        "http://registry.test",
        transport=httpx.MockTransport(registry.handle),
        retry=NO_WAIT,
        latest_ttl=0.02,
        on_registry_state=lambda available, _error: changes.append(available),
    )
    serializer = EventSerializer(client, auto_register=False)
    serializer.serialize(Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="orders"))  # warm
    registry.down = True
    registry.requests.clear()

    with caplog.at_level(logging.INFO, logger="accord.client"):
        started = time.monotonic()
        published = 0
        while time.monotonic() - started < 0.6:  # 30 expiries of the latest version
            message = serializer.serialize(Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="orders"))
            assert message.value[1:5] == (7).to_bytes(4, "big")
            published += 1
        wait_for(lambda: not client.registry_available)

    assert published > 1000
    # One background refresh found the registry down (with its retries); the circuit then waits 1 s.
    assert len(registry.requests) == NO_WAIT.retries + 1
    assert changes == [False]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_a_call_that_needs_the_registry_fails_at_once_while_the_circuit_is_open() -> None:
    registry = Registry()
    client = RegistryClient(
        "http://registry.test", transport=httpx.MockTransport(registry.handle), retry=NO_WAIT
    )
    registry.down = True
    with pytest.raises(RegistryUnavailableError, match="ConnectError"):
        client.get_schema(7)
    asked = len(registry.requests)

    with pytest.raises(RegistryUnavailableError, match="next attempt in"):
        client.get_schema(7)

    assert len(registry.requests) == asked


def test_the_client_recovers_by_itself_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    registry = Registry()
    changes: list[bool] = []
    client = RegistryClient(
        "http://registry.test",
        transport=httpx.MockTransport(registry.handle),
        retry=NO_WAIT,
        latest_ttl=0.01,
        on_registry_state=lambda available, _error: changes.append(available),
    )
    client._availability.first_delay = 0.05  # a short backoff for the test
    client.get_latest_version("OrderPlaced")
    registry.down = True
    time.sleep(0.02)
    client.get_latest_version("OrderPlaced")
    wait_for(lambda: not client.registry_available)
    registry.down = False
    registry.latest_version = 2

    with caplog.at_level(logging.INFO, logger="accord.client"):
        wait_for(lambda: client.get_latest_version("OrderPlaced").version == 2)

    assert client.registry_available
    assert changes == [False, True]
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        (
            "WARNING",
            "schema registry at http://registry.test unavailable (ConnectError: connection refused): "
            "serving cached schemas, retrying with backoff",
        ),
        ("INFO", "schema registry at http://registry.test answers again"),
    ]


def test_the_async_client_keeps_publishing_through_an_outage() -> None:
    registry = Registry()
    changes: list[bool] = []

    async def scenario() -> int:
        async with AsyncRegistryClient(
            "http://registry.test",
            transport=httpx.MockTransport(registry.handle),
            retry=NO_WAIT,
            latest_ttl=0.01,
            on_registry_state=lambda available, _error: changes.append(available),
        ) as client:
            await client.get_latest_version("OrderPlaced")
            registry.down = True
            registry.requests.clear()
            answers = 0
            started = time.monotonic()
            while time.monotonic() - started < 0.3:
                assert (await client.get_latest_version("OrderPlaced")).schema_id == 7
                answers += 1
                await asyncio.sleep(0)
            return answers

    answers = asyncio.run(scenario())

    assert answers > 100
    assert len(registry.requests) == NO_WAIT.retries + 1
    assert changes == [False]


def test_the_circuit_backs_off_exponentially_up_to_its_limit() -> None:
    now = [0.0]
    circuit = RegistryAvailability(url="http://r", first_delay=1, max_delay=4, clock=lambda: now[0])
    error = RegistryUnavailableError("down", url="http://r", reason="ConnectError")
    waits = []
    for _ in range(5):
        circuit.record_failure(error)
        start = now[0]
        while not circuit.allows_attempt():
            now[0] += 0.25
        waits.append(now[0] - start)

    assert waits == [1, 2, 4, 4, 4]
    circuit.record_success()
    circuit.record_failure(error)
    assert not circuit.allows_attempt()
    now[0] += 1
    assert circuit.allows_attempt()


def test_a_failing_state_listener_does_not_break_the_client(caplog: pytest.LogCaptureFixture) -> None:
    def listener(_available: bool, _error: object) -> None:
        raise RuntimeError("listener bug")

    circuit = RegistryAvailability(url="http://r", on_change=listener)
    circuit.record_failure(RegistryUnavailableError("down", url="http://r"))

    assert not circuit.available
    assert "registry state listener failed" in caplog.text
