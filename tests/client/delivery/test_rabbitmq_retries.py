"""Retries through per-attempt delay queues, then the dead-letter queue, on the real RabbitMQ."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from client import Envelope, EventDeserializer, EventSerializer
from client.adapters.rabbitmq import RabbitPublisher
from client.cloudevents import from_amqp_properties
from client.deadletter import ERROR_HEADER, ORIGIN_HEADER, REASON_HEADER
from client.delivery.rabbitmq import RetryingRabbitConsumer
from client.delivery.retries import ATTEMPT_HEADER, RetrySchedule
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.support import eventually, order_event, order_registry, ready_messages, run

FAST = RetrySchedule(max_attempts=3, initial_delay=0.2, multiplier=2, jitter=0.2)


@dataclass
class Rabbit:
    channel: AbstractChannel
    publisher: RabbitPublisher
    consumer: RetryingRabbitConsumer

    async def dead_letters(self, count: int) -> list[AbstractIncomingMessage]:
        queue = await self.channel.get_queue(self.consumer.dead_letter_queue)
        found: list[AbstractIncomingMessage] = []
        deadline = time.monotonic() + 10
        while len(found) < count and time.monotonic() < deadline:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.02)
                continue
            await message.ack()
            found.append(message)
        assert len(found) == count, f"{len(found)} dead letters, expected {count}"
        return found


@asynccontextmanager
async def rabbit(name: str, schedule: RetrySchedule = FAST) -> AsyncIterator[Rabbit]:
    registry = order_registry()
    connection = await aio_pika.connect_robust(AMQP_URL)
    try:
        channel = await connection.channel()
        consumer = RetryingRabbitConsumer(
            channel, EventDeserializer(registry), exchange=name, queue=f"{name}.billing", schedule=schedule
        )
        await consumer.declare()
        try:
            yield Rabbit(
                channel, RabbitPublisher(channel, EventSerializer(registry), exchange=name), consumer
            )
        finally:
            for queue in [consumer.queue, consumer.dead_letter_queue, *consumer.retry_queues]:
                await channel.queue_delete(queue)
            await channel.exchange_delete(name)
    finally:
        await connection.close()


def test_a_failing_handler_is_retried_after_growing_delays_until_it_succeeds(unique_name):
    attempts: list[float] = []

    async def scenario() -> None:
        async with rabbit(unique_name) as bus:

            def flaky(envelope: Envelope) -> None:
                attempts.append(time.monotonic())
                if len(attempts) < 3:
                    raise ConnectionError("payment provider timed out")

            await bus.consumer.consume(flaky)
            await bus.publisher.publish(order_event())
            await eventually(lambda: len(attempts) == 3)
            assert await ready_messages(bus.channel, bus.consumer.dead_letter_queue) == 0
            assert await ready_messages(bus.channel, bus.consumer.queue) == 0

    run(scenario)
    first_wait, second_wait = attempts[1] - attempts[0], attempts[2] - attempts[1]
    assert first_wait >= 0.2 * 0.8 - 0.02  # the first retry's delay, less its jitter
    assert second_wait >= 0.4 * 0.8 - 0.02  # doubled for the second


def test_a_retry_does_not_block_the_queue(unique_name):
    handled: list[str] = []
    schedule = RetrySchedule(max_attempts=2, initial_delay=1.0, jitter=0)

    async def scenario() -> None:
        async with rabbit(unique_name, schedule) as bus:

            def handler(envelope: Envelope) -> None:
                order_id = envelope.data["orderId"]
                if order_id == "slow" and "slow-failed" not in handled:
                    handled.append("slow-failed")
                    raise ConnectionError("not yet")
                handled.append(order_id)

            await bus.consumer.consume(handler)
            await bus.publisher.publish(order_event("slow"))
            await bus.publisher.publish(order_event("next"))
            await eventually(lambda: "slow" in handled)

    run(scenario)
    assert handled == ["slow-failed", "next", "slow"]


def test_after_the_last_attempt_the_message_is_dead_lettered_with_its_reason(unique_name):
    calls: list[str] = []

    async def scenario() -> None:
        async with rabbit(unique_name) as bus:

            def broken(envelope: Envelope) -> None:
                calls.append(envelope.event_id)
                raise RuntimeError("ledger rejected the entry")

            await bus.consumer.consume(broken)
            event = order_event()
            await bus.publisher.publish(event)
            (dead,) = await bus.dead_letters(1)
            headers = dead.headers or {}
            assert headers[REASON_HEADER] == "ledger rejected the entry"
            assert headers[ERROR_HEADER] == "RuntimeError"
            assert headers[ATTEMPT_HEADER] == "3"
            assert headers[ORIGIN_HEADER] == f"{unique_name}/OrderCreated"
            assert dead.message_id == event.event_id
            # the dead letter is still the event as published, readable by any consumer of it
            readable = EventDeserializer(order_registry()).deserialize(
                dead.body, from_amqp_properties(headers, dead.content_type)
            )
            assert readable.event_id == event.event_id

    run(scenario)
    assert len(calls) == 3


def test_errors_no_retry_can_fix_go_straight_to_the_dead_letter_queue(unique_name):
    calls: list[str] = []

    async def scenario() -> None:
        async with rabbit(unique_name) as bus:
            await bus.consumer.consume(lambda envelope: calls.append(envelope.event_id))
            exchange = await bus.channel.get_exchange(unique_name)
            await exchange.publish(aio_pika.Message(b"\x00\x00\x00\x00\x63{}"), routing_key="OrderCreated")
            (dead,) = await bus.dead_letters(1)
            headers = dead.headers or {}
            assert headers[ERROR_HEADER] == "UnknownSchemaError"
            assert "99" in str(headers[REASON_HEADER])
            assert headers[ATTEMPT_HEADER] == "1"
            assert dead.body == b"\x00\x00\x00\x00\x63{}"

    run(scenario)
    assert calls == []


def test_the_schedule_refuses_nonsense_and_grows_to_its_maximum():
    schedule = RetrySchedule(initial_delay=1, multiplier=3, max_delay=5, jitter=0)
    assert [schedule.base_delay(retry) for retry in (1, 2, 3)] == [1, 3, 5]
    jittered = RetrySchedule(initial_delay=10, jitter=0.5)
    assert all(5 <= jittered.delay(1) <= 10 for _ in range(100))
    with pytest.raises(ValueError, match="at least 1"):
        RetrySchedule(max_attempts=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        RetrySchedule(jitter=2)
