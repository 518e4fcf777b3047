"""The keyed executor: concurrent across keys, strictly ordered within a key, bounded, retrying in place."""

from __future__ import annotations

import asyncio
import dataclasses
import random

import pytest

from client.delivery import HandlerFailedError, RetrySchedule
from client.delivery.ordering import KeyedExecutor
from tests.client.delivery.support import order_event, run


def test_events_of_one_key_are_handled_in_order_and_keys_run_concurrently():
    log: list[tuple[str, int]] = []
    running: dict[str, int] = {}
    peak = {"keys": 0}

    async def handler(envelope) -> None:
        key = envelope.partition_key
        running[key] = running.get(key, 0) + 1
        assert running[key] == 1, "two events of one key at once"
        peak["keys"] = max(peak["keys"], sum(1 for count in running.values() if count))
        await asyncio.sleep(random.uniform(0, 0.003))
        log.append((key, envelope.sequence_number))
        running[key] -= 1

    async def scenario() -> None:
        executor = KeyedExecutor(handler, max_in_flight=50)
        for sequence in range(20):
            for key in ("a", "b", "c", "d"):
                await executor.submit(dataclasses.replace(order_event(key), sequence_number=sequence))
        await executor.join()

    run(scenario)
    for key in ("a", "b", "c", "d"):
        assert [sequence for k, sequence in log if k == key] == list(range(20))
    assert peak["keys"] > 1


def test_submit_waits_for_room_when_max_in_flight_events_are_not_done():
    state: dict[str, object] = {}

    async def scenario() -> None:
        gate = asyncio.Event()

        async def handler(envelope) -> None:
            await gate.wait()

        executor = KeyedExecutor(handler, max_in_flight=2)
        await executor.submit(order_event("a"))
        await executor.submit(order_event("b"))
        third = asyncio.create_task(executor.submit(order_event("c")))
        await asyncio.sleep(0.05)
        state["blocked"] = not third.done()
        state["in_flight"] = executor.in_flight
        gate.set()
        await third
        await executor.join()
        state["after"] = executor.in_flight

    run(scenario)
    assert state == {"blocked": True, "in_flight": 2, "after": 0}


def test_a_retry_holds_back_its_own_key_only():
    log: list[str] = []
    failures = {"a1": 2}

    async def handler(envelope) -> None:
        name = envelope.data["orderId"]
        if failures.get(name, 0):
            failures[name] -= 1
            log.append(f"{name}!")
            raise ConnectionError("try again")
        log.append(name)

    async def scenario() -> None:
        executor = KeyedExecutor(
            handler,
            key=lambda envelope: envelope.data["orderId"][0],
            schedule=RetrySchedule(max_attempts=3, initial_delay=0.05, jitter=0),
        )
        first = await executor.submit(order_event("a1"))
        for name in ("a2", "b1", "b2"):
            await executor.submit(order_event(name))
        await executor.join()
        assert first.result() == 3

    run(scenario)
    assert log.index("a1") < log.index("a2")
    assert log.index("b2") < log.index("a1")  # b went on while a1 waited for its retries
    assert log.count("a1!") == 2


def test_an_event_that_fails_for_good_goes_to_on_failure_and_its_key_goes_on():
    failed: list[tuple[str, int]] = []
    handled: list[str] = []

    async def handler(envelope) -> None:
        if envelope.data["orderId"] == "poison":
            raise ValueError("cannot bill a negative amount")
        handled.append(envelope.data["orderId"])

    async def scenario() -> None:
        executor = KeyedExecutor(
            handler,
            key=lambda envelope: "one-key",
            schedule=RetrySchedule(max_attempts=2, initial_delay=0.01),
            on_failure=lambda envelope, error: failed.append((envelope.data["orderId"], error.attempts)),
        )
        for name in ("first", "poison", "last"):
            await executor.submit(order_event(name))
        await executor.join()

    run(scenario)
    assert failed == [("poison", 2)]
    assert handled == ["first", "last"]


def test_without_on_failure_the_future_carries_the_failure():
    async def scenario() -> None:
        async def handler(envelope) -> None:
            raise RuntimeError("boom")

        executor = KeyedExecutor(handler)
        done = await executor.submit(order_event())
        with pytest.raises(HandlerFailedError, match="failed after 1 attempt: RuntimeError: boom"):
            await done

    run(scenario)


def test_closing_cancels_what_is_not_done():
    async def scenario() -> None:
        async def handler(envelope) -> None:
            await asyncio.sleep(10)

        executor = KeyedExecutor(handler, key=lambda envelope: "k")
        first = await executor.submit(order_event())
        second = await executor.submit(order_event())
        await asyncio.sleep(0.01)
        await executor.aclose()
        assert first.cancelled()
        assert second.cancelled()
        assert executor.in_flight == 0

    run(scenario)


def test_max_in_flight_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        KeyedExecutor(print, max_in_flight=0)


def test_no_more_than_concurrency_keys_are_handled_at_once():
    running = {"now": 0, "peak": 0}

    async def handler(envelope) -> None:
        running["now"] += 1
        running["peak"] = max(running["peak"], running["now"])
        await asyncio.sleep(0.01)
        running["now"] -= 1

    async def scenario() -> None:
        executor = KeyedExecutor(handler, concurrency=2, max_in_flight=100)
        for key in range(6):
            await executor.submit(order_event(f"k{key}"))
        await executor.join()

    run(scenario)
    assert running["peak"] == 2
