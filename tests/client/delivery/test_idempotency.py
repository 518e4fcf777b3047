"""Idempotent handling with the in-memory store: once per (source, eventId), sync and async."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from client.delivery import (
    Claim,
    EventInProgressError,
    EventKey,
    MemoryIdempotencyStore,
    MissingEventIdentityError,
    event_key,
    idempotent,
)
from tests.client.delivery.support import order_event


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_redelivered_event_is_handled_once():
    handled: list[str] = []
    store = MemoryIdempotencyStore()

    @idempotent(store)
    def on_order(event) -> str:
        handled.append(event.data["orderId"])
        return "ok"

    event = order_event("o-1")
    assert on_order(event) == "ok"
    assert on_order(event) is None
    assert on_order(order_event("o-2")) == "ok"
    assert handled == ["o-1", "o-2"]


def test_the_same_event_id_from_another_source_is_another_event():
    store = MemoryIdempotencyStore()
    event = order_event()
    other = dataclasses.replace(event, source="billing")
    assert store.begin(event_key(event)) is Claim.NEW
    assert store.begin(event_key(other)) is Claim.NEW


def test_a_failing_handler_gives_its_claim_back_so_a_redelivery_retries():
    attempts: list[int] = []
    store = MemoryIdempotencyStore()

    @idempotent(store)
    def flaky(event) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database busy")

    event = order_event()
    with pytest.raises(RuntimeError, match="database busy"):
        flaky(event)
    flaky(event)
    flaky(event)
    assert len(attempts) == 2


def test_an_event_being_handled_elsewhere_is_refused_until_its_lease_ends():
    clock = Clock()
    store = MemoryIdempotencyStore(lease=30, clock=clock)
    key = EventKey("orders", "e-1")
    assert store.begin(key) is Claim.NEW
    assert store.begin(key) is Claim.BUSY

    @idempotent(store)
    def handler(event) -> None:
        raise AssertionError("must not run while another consumer holds the claim")

    event = dataclasses.replace(order_event(), event_id="e-1")
    with pytest.raises(EventInProgressError, match="orders/e-1"):
        handler(event)
    clock.now = 31  # the consumer holding the claim died: its lease is over
    assert store.begin(key) is Claim.NEW


def test_marks_expire_after_their_ttl_and_the_store_stays_bounded():
    clock = Clock()
    store = MemoryIdempotencyStore(capacity=3, ttl=10, clock=clock)
    keys = [EventKey("orders", f"e-{index}") for index in range(5)]
    for key in keys:
        store.begin(key)
        store.complete(key)
    assert len(store) == 3
    assert store.begin(keys[0]) is Claim.NEW  # forgotten: the oldest went first
    assert store.begin(keys[4]) is Claim.DONE
    clock.now = 11
    assert store.begin(keys[4]) is Claim.NEW


def test_an_event_without_an_id_or_source_is_refused_with_a_clear_error():
    calls: list[object] = []
    handler = idempotent(MemoryIdempotencyStore())(calls.append)
    with pytest.raises(MissingEventIdentityError, match="has no eventId"):
        handler(dataclasses.replace(order_event(), event_id=""))
    with pytest.raises(MissingEventIdentityError, match="has no source"):
        handler(dataclasses.replace(order_event(), source=""))
    assert calls == []


def test_async_handlers_are_deduplicated_too():
    handled: list[str] = []

    @idempotent(MemoryIdempotencyStore())
    async def on_order(event) -> None:
        await asyncio.sleep(0)
        handled.append(event.event_id)

    event = order_event()

    async def scenario() -> None:
        await on_order(event)
        await on_order(event)

    asyncio.run(scenario())
    assert handled == [event.event_id]


def test_invalid_store_settings_are_refused():
    with pytest.raises(ValueError, match="positive"):
        MemoryIdempotencyStore(capacity=0)
