"""Events for the delivery tests: the seed's OrderCreated, small, as JSON Schema."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from client import Envelope, InMemoryRegistry, Schema

ORDER_CREATED = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "amountCents": {"type": "integer", "minimum": 0}},
    "required": ["orderId", "amountCents"],
}


def order_registry() -> InMemoryRegistry:
    """A registry with OrderCreated (subject by event type) as JSON Schema, id 1."""
    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", Schema(orjson.dumps(ORDER_CREATED).decode(), "JSON"))
    return registry


def order_event(order_id: str = "o-1", *, source: str = "orders", amount_cents: int = 1250) -> Envelope:
    """An OrderCreated envelope with a fresh eventId and the aggregate id as its partition key."""
    return Envelope.new(
        "OrderCreated",
        {"orderId": order_id, "amountCents": amount_cents},
        source=source,
        partition_key=order_id,
    )


async def eventually(check: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Wait until `check()` holds; AssertionError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


async def ready_messages(channel: Any, queue_name: str) -> int:
    """How many messages wait in the queue now (a passive declare; the channel's cached answer is stale)."""
    queue = await channel.get_queue(queue_name)
    return int((await queue.declare()).message_count)
