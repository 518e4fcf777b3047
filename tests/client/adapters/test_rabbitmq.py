"""The RabbitMQ adapter against the real server on 127.0.0.1:5672 (guest/guest).

Every test uses its own exchange and queue names and deletes them afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel

from client import (
    BatchValidationError,
    Envelope,
    EventDeserializer,
    EventSerializer,
    EventValidationError,
    InMemoryRegistry,
)
from client.adapters.rabbitmq import RabbitConsumer, RabbitPublisher
from client.deadletter import ERROR_HEADER, ORIGIN_HEADER, REASON_HEADER
from tests.client.protobuf_support import order_created, orders

URL = "amqp://guest:guest@127.0.0.1:5672/"


@dataclass
class Broker:
    channel: AbstractChannel
    publisher: RabbitPublisher
    consumer: RabbitConsumer
    exchange: str

    async def next_dead_letter(self) -> aio_pika.abc.AbstractIncomingMessage:
        queue = await self.channel.get_queue(self.consumer.dead_letter_queue)
        for _ in range(50):
            message = await queue.get(fail=False)
            if message is not None:
                await message.ack()
                return message
            await asyncio.sleep(0.05)
        raise AssertionError("no dead letter arrived within 2.5 s")


@asynccontextmanager
async def broker(registry: InMemoryRegistry) -> AsyncIterator[Broker]:
    name = f"accord-test-{uuid.uuid4().hex[:12]}"
    connection = await aio_pika.connect_robust(URL)
    try:
        channel = await connection.channel()
        publisher = RabbitPublisher(channel, EventSerializer(registry), exchange=name)
        consumer = RabbitConsumer(
            channel,
            EventDeserializer(registry),
            exchange=name,
            queue=f"{name}.orders",
            dead_letter_exchange=f"{name}.dlx",
            binding_keys=["Order*", "OrderCreated", "OrderPlaced"],
            retry_delay=0,
        )
        await consumer.declare()
        try:
            yield Broker(channel, publisher, consumer, name)
        finally:
            for queue in (consumer.dead_letter_queue, f"{name}.orders"):
                await channel.queue_delete(queue)
            for exchange in (name, f"{name}.dlx"):
                await channel.exchange_delete(exchange)
    finally:
        await connection.close()


async def collect(
    bus: Broker, count: int, handler: Callable[[Envelope], Any] | None = None
) -> list[Envelope]:
    received: list[Envelope] = []
    done = asyncio.Event()

    async def on_event(envelope: Envelope) -> None:
        if handler is not None:
            outcome = handler(envelope)
            if isinstance(outcome, Awaitable):
                await outcome
        received.append(envelope)
        if len(received) == count:
            done.set()

    tag = await bus.consumer.consume(on_event)
    await asyncio.wait_for(done.wait(), timeout=5)
    queue = await bus.channel.get_queue(f"{bus.exchange}.orders")
    await queue.cancel(tag)
    return received


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


def test_published_events_arrive_with_their_envelope_and_are_acked(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            sent = [
                Envelope.new("OrderCreated", order, source="orders", partition_key="o-1"),
                Envelope.new("OrderPlaced", order, source="orders"),
            ]
            await bus.publisher.publish_batch(sent)
            received = await collect(bus, 2)
            assert [(e.event_id, e.event_type) for e in received] == [
                (e.event_id, e.event_type) for e in sent
            ]
            assert received[0].partition_key == "o-1"
            assert received[1].data == order
            queue = await bus.channel.get_queue(f"{bus.exchange}.orders")
            assert (await queue.declare()).message_count == 0

    run(scenario)


def test_amqp_properties_and_routing_key_carry_the_envelope(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            sent = Envelope.new("OrderPlaced", order, source="orders")
            await bus.publisher.publish(sent)
            queue = await bus.channel.get_queue(f"{bus.exchange}.orders")
            message = None
            for _ in range(50):
                message = await queue.get(fail=False)
                if message is not None:
                    break
                await asyncio.sleep(0.05)
            assert message is not None
            await message.ack()
            assert message.routing_key == "OrderPlaced"
            assert (message.message_id, message.correlation_id, message.type, message.app_id) == (
                sent.event_id,
                sent.correlation_id,
                "OrderPlaced",
                "orders",
            )
            assert message.content_type == "application/json"
            assert message.headers["cloudEvents_id"] == sent.event_id

    run(scenario)


def test_invalid_events_are_refused_and_nothing_is_published(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            with pytest.raises(EventValidationError):
                await bus.publisher.publish(Envelope.new("OrderPlaced", dict(order, currency=1), source="o"))
            good = Envelope.new("OrderPlaced", order, source="orders")
            bad = Envelope.new("OrderCreated", dict(order, itemCount=None), source="orders")
            with pytest.raises(BatchValidationError):
                await bus.publisher.publish_batch([good, bad])
            await asyncio.sleep(0.2)
            queue = await bus.channel.get_queue(f"{bus.exchange}.orders")
            assert (await queue.declare()).message_count == 0

    run(scenario)


def test_poison_messages_are_dead_lettered_with_the_reason_and_the_consumer_goes_on(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            exchange = await bus.channel.get_exchange(bus.exchange)
            poison = b"\x00\x00\x00\x03\xe7{}"
            await exchange.publish(
                aio_pika.Message(poison, headers={"ce_type": "OrderCreated"}), "OrderCreated"
            )
            await bus.publisher.publish(Envelope.new("OrderCreated", order, source="orders"))
            received = await collect(bus, 1)
            assert received[0].data["orderId"] == order["orderId"]
            dead = await bus.next_dead_letter()
            assert dead.body == poison
            assert dead.headers[ERROR_HEADER] == "UnknownSchemaError"
            assert dead.headers[REASON_HEADER] == "schema id 999 is not registered"
            assert dead.headers[ORIGIN_HEADER] == f"{bus.exchange}/OrderCreated"
            assert dead.headers["cloudEvents_type"] == "OrderCreated"

    run(scenario)


def test_a_failing_handler_dead_letters_the_message_through_rabbitmq(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            failing = Envelope.new("OrderCreated", order, source="orders")
            fine = Envelope.new("OrderPlaced", order, source="orders")

            def handler(envelope: Envelope) -> None:
                if envelope.event_id == failing.event_id:
                    raise RuntimeError("downstream said no")

            await bus.publisher.publish_batch([failing, fine])
            received = await collect(bus, 1, handler)
            assert received[0].event_id == fine.event_id
            dead = await bus.next_dead_letter()
            assert dead.message_id == failing.event_id
            assert dead.headers["x-death"][0]["reason"] == "rejected"

    run(scenario)


def test_events_published_by_a_handler_continue_the_flow(registry, order):
    async def scenario() -> None:
        async with broker(registry) as bus:
            first = Envelope.new("OrderCreated", order, source="orders")

            async def react(envelope: Envelope) -> None:
                if envelope.event_type == "OrderCreated":
                    await bus.publisher.publish(Envelope.new("OrderPlaced", order, source="orders"))

            await bus.publisher.publish(first)
            received = await collect(bus, 2, react)
            (follow_up,) = [envelope for envelope in received if envelope.event_type == "OrderPlaced"]
            assert (follow_up.correlation_id, follow_up.causation_id) == (first.event_id, first.event_id)

    run(scenario)


def test_protobuf_events_travel_with_their_envelope_and_poison_ones_are_dead_lettered():
    registry = InMemoryRegistry()
    EventSerializer(registry, schemas={"OrderCreated": orders().OrderCreated}, auto_register=True).encode(
        "OrderCreated", order_created()
    )

    async def scenario() -> None:
        async with broker(registry) as bus:
            sent = Envelope.new("OrderCreated", order_created(), source="orders", partition_key="o-1")
            await bus.publisher.publish(sent)
            exchange = await bus.channel.get_exchange(bus.exchange)
            poison = b"\x00\x00\x00\x00\x02\x00\x0a\xff"  # a string field longer than the message
            await exchange.publish(
                aio_pika.Message(poison, headers={"ce_type": "OrderCreated"}), "OrderCreated"
            )
            [received] = await collect(bus, 1)
            assert (received.event_id, received.partition_key) == (sent.event_id, "o-1")
            assert received.data.SerializeToString() == order_created().SerializeToString()
            dead = await bus.next_dead_letter()
            assert dead.body == poison
            assert dead.headers[ERROR_HEADER] == "MalformedMessageError"
            assert "payload is not valid Protobuf for schema id 2" in dead.headers[REASON_HEADER]

    run(scenario)
