"""In order per key on the real RabbitMQ: many keys at once, a retry holding back its own key only."""

from __future__ import annotations

import asyncio
import dataclasses
import random

import aio_pika

from client import EventDeserializer, EventSerializer
from client.adapters.rabbitmq import RabbitPublisher
from client.deadletter import ERROR_HEADER, REASON_HEADER
from client.delivery.rabbitmq import KeyedRabbitConsumer
from client.delivery.retries import ATTEMPT_HEADER, RetrySchedule
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.support import eventually, order_event, order_registry, ready_messages, run


def test_a_keyed_consumer_keeps_each_keys_order_through_retries_and_acks_everything(unique_name):
    log: list[tuple[str, int]] = []
    flaky = {("k1", 3): 2}  # the 4th event of k1 fails twice, then succeeds

    async def handler(envelope) -> None:
        await asyncio.sleep(random.uniform(0, 0.002))
        step = (envelope.partition_key, envelope.sequence_number)
        if flaky.get(step, 0):
            flaky[step] -= 1
            raise ConnectionError("ledger busy")
        if envelope.partition_key == "k9" and envelope.sequence_number == 5:
            raise ValueError("amount does not add up")  # never succeeds: dead-lettered
        log.append(step)

    async def scenario() -> None:
        registry = order_registry()
        connection = await aio_pika.connect_robust(AMQP_URL)
        channel = await connection.channel()
        consumer = KeyedRabbitConsumer(
            channel,
            EventDeserializer(registry),
            exchange=unique_name,
            queue=f"{unique_name}.billing",
            schedule=RetrySchedule(max_attempts=3, initial_delay=0.05, jitter=0),
            max_in_flight=32,
        )
        publisher = RabbitPublisher(channel, EventSerializer(registry), exchange=unique_name)
        try:
            await consumer.declare()
            events = [
                dataclasses.replace(order_event(f"k{key}"), sequence_number=sequence)
                for sequence in range(10)
                for key in range(10)
            ]
            await publisher.publish_batch(events[:50])
            exchange = await channel.get_exchange(unique_name)
            await exchange.publish(aio_pika.Message(b"not an event"), routing_key="OrderCreated")
            await publisher.publish_batch(events[50:])
            await consumer.consume(handler)
            await eventually(lambda: len(log) == 99)
            dead_queue = await channel.get_queue(consumer.dead_letter_queue)
            dead_letters: dict[str, dict] = {}
            for _ in range(200):
                dead = await dead_queue.get(fail=False)
                if dead is not None:
                    await dead.ack()
                    headers = dict(dead.headers or {})
                    dead_letters[str(headers[ERROR_HEADER])] = headers
                    if len(dead_letters) == 2:
                        break
                else:
                    await asyncio.sleep(0.05)
            assert set(dead_letters) == {"ValueError", "MalformedMessageError"}
            assert dead_letters["ValueError"][REASON_HEADER] == "amount does not add up"
            assert dead_letters["ValueError"][ATTEMPT_HEADER] == "3"
            assert dead_letters["MalformedMessageError"][ATTEMPT_HEADER] == "1"
            await asyncio.sleep(0.2)
            assert await ready_messages(channel, consumer.queue) == 0
            assert consumer.executor is not None
            assert consumer.executor.in_flight == 0
        finally:
            await channel.queue_delete(consumer.queue)
            await channel.queue_delete(consumer.dead_letter_queue)
            await channel.exchange_delete(unique_name)
            await connection.close()

    run(scenario)
    for key in range(10):
        expected = [sequence for sequence in range(10) if not (key == 9 and sequence == 5)]
        assert [sequence for k, sequence in log if k == f"k{key}"] == expected
