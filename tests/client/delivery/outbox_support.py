"""An outbox database, a RabbitMQ queue bound to the relay's exchange, and reading back what arrived."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aio_pika
import psycopg
from aio_pika.abc import AbstractChannel, AbstractQueue

from client import Envelope, EventDeserializer
from client.cloudevents import from_amqp_properties
from client.delivery.outbox import outbox_sql
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.support import order_registry

ORDERS_TABLE = "CREATE TABLE orders (id TEXT PRIMARY KEY, amount_cents INTEGER NOT NULL)"


def prepare_outbox(url: str) -> None:
    with psycopg.connect(url) as connection:
        connection.execute(outbox_sql())
        connection.execute(ORDERS_TABLE)


def outbox_rows(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM accord_outbox").fetchone()
        assert row is not None
        return int(row[0])


@dataclass
class Broker:
    channel: AbstractChannel
    queue: AbstractQueue
    exchange: str

    async def received(self, count: int, *, timeout: float = 20.0) -> list[Envelope]:
        """Exactly `count` events from the queue (acked), read back through the deserializer."""
        deserializer = EventDeserializer(order_registry())
        events: list[Envelope] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(events) < count:
            message = await self.queue.get(fail=False)
            if message is None:
                if loop.time() > deadline:
                    raise AssertionError(f"{len(events)} events arrived, expected {count}")
                await asyncio.sleep(0.02)
                continue
            await message.ack()
            headers = from_amqp_properties(message.headers or {}, message.content_type)
            events.append(deserializer.deserialize(message.body, headers))
        return events

    async def nothing_more(self) -> bool:
        await asyncio.sleep(0.2)
        return await self.queue.get(fail=False) is None


@asynccontextmanager
async def bound_queue(name: str) -> AsyncIterator[Broker]:
    """The relay's exchange `name` and a queue bound to every event on it; deleted afterwards."""
    connection = await aio_pika.connect_robust(AMQP_URL)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(f"{name}.billing", durable=True)
        await queue.bind(exchange, routing_key="#")
        try:
            yield Broker(channel, queue, name)
        finally:
            await channel.queue_delete(f"{name}.billing")
            await channel.exchange_delete(name)
    finally:
        await connection.close()
