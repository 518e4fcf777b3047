"""The CloudEvents AMQP protocol binding, against the official CloudEvents SDK (the `cloudevents`
package) and the real RabbitMQ: what Accord publishes the SDK reads, what the SDK writes Accord
consumes, and messages Accord wrote with `ce_` headers before it followed the binding still read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest
from cloudevents.core.bindings import amqp
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from client import Envelope, EventDeserializer, EventSerializer, InMemoryRegistry, handling
from client.cloudevents import amqp_properties, from_amqp_properties
from tests.client.adapters.test_rabbitmq import Broker, broker, collect, run


async def next_message(bus: Broker) -> aio_pika.abc.AbstractIncomingMessage:
    queue = await bus.channel.get_queue(f"{bus.exchange}.orders")
    for _ in range(100):
        message = await queue.get(fail=False)
        if message is not None:
            await message.ack()
            return message
        await asyncio.sleep(0.05)
    raise AssertionError("no message arrived within 5 s")


@pytest.mark.parametrize("event_type", ["OrderCreated", "OrderPlaced"])  # Avro, JSON Schema
def test_the_sdk_reads_what_accord_publishes(
    registry: InMemoryRegistry, order: dict[str, Any], event_type: str
) -> None:
    cause = Envelope.new("CartCheckedOut", {}, source="carts")
    with handling(cause):
        sent = Envelope.new(event_type, order, source="orders", partition_key="o-1")

    async def scenario() -> aio_pika.abc.AbstractIncomingMessage:
        async with broker(registry) as bus:
            await bus.publisher.publish(sent)
            return await next_message(bus)

    message = asyncio.run(scenario())
    event = amqp.from_binary(
        amqp.AMQPMessage(
            properties={"content-type": message.content_type},
            application_properties=dict(message.headers),
            application_data=message.body,
        ),
        JSONFormat(),
    )

    assert event.get_id() == sent.event_id
    assert event.get_source() == "orders"
    assert event.get_type() == event_type
    assert event.get_time() == sent.timestamp
    assert event.get_datacontenttype() == message.content_type
    assert event.get_extension("correlationid") == sent.correlation_id
    assert event.get_extension("causationid") == cause.event_id
    assert event.get_extension("partitionkey") == "o-1"
    assert not any(name.startswith("ce_") for name in message.headers)


def test_accord_consumes_what_the_sdk_writes(registry: InMemoryRegistry, order: dict[str, Any]) -> None:
    # The data is the Confluent-framed payload Accord's serializer writes; the attributes are the SDK's.
    framed = EventSerializer(registry).serialize(Envelope.new("OrderCreated", order, source="x"))
    moment = datetime(2026, 12, 7, 9, 30, 15, 123000, tzinfo=UTC)
    event = CloudEvent(
        {
            "id": "sdk-1",
            "source": "/orders",
            "type": "OrderCreated",
            "specversion": "1.0",
            "time": moment,  # written as an AMQP timestamp (milliseconds), as the binding prefers
            "datacontenttype": "application/avro",
            "correlationid": "flow-9",
            "eventversion": 1,
        },
        framed.value,
    )
    written = amqp.to_binary(event, JSONFormat())

    async def scenario() -> list[Envelope]:
        async with broker(registry) as bus:
            exchange = await bus.channel.get_exchange(bus.exchange)
            await exchange.publish(
                aio_pika.Message(
                    written.application_data,
                    headers=written.application_properties,
                    content_type=written.properties["content-type"],
                ),
                routing_key="OrderCreated",
            )
            return await collect(bus, 1)

    (received,) = asyncio.run(scenario())

    assert isinstance(written.application_properties["cloudEvents_time"], int)
    assert (received.event_id, received.source, received.event_type) == ("sdk-1", "/orders", "OrderCreated")
    assert received.timestamp == moment
    assert received.correlation_id == "flow-9"
    assert received.event_version == 1
    assert received.data == EventDeserializer(registry).deserialize(framed.value, framed.headers).data


def test_messages_written_with_ce_headers_before_the_binding_are_still_read(
    registry: InMemoryRegistry, order: dict[str, Any]
) -> None:
    message = EventSerializer(registry).serialize(Envelope.new("OrderCreated", order, source="old"))
    legacy = {name: value for name, value in message.headers.items() if name != "content-type"}

    async def scenario() -> list[Envelope]:
        async with broker(registry) as bus:
            exchange = await bus.channel.get_exchange(bus.exchange)
            await exchange.publish(
                aio_pika.Message(message.value, headers=legacy, content_type=message.headers["content-type"]),
                routing_key="OrderCreated",
            )
            return await collect(bus, 1)

    (received,) = asyncio.run(scenario())

    assert received.source == "old"
    assert received.data == EventDeserializer(registry).deserialize(message.value, message.headers).data


def test_the_binding_s_name_wins_over_older_spellings() -> None:
    headers = from_amqp_properties(
        {"ce_id": "old", "cloudEvents:id": "older", "cloudEvents_id": "current", "x-other": "kept"},
        "application/avro",
    )

    assert headers == {"ce_id": "current", "x-other": "kept", "content-type": "application/avro"}


def test_kafka_headers_become_amqp_application_properties() -> None:
    properties = amqp_properties({"ce_id": "1", "ce_type": "T", "content-type": "application/avro", "x": "y"})

    assert properties == {"cloudEvents_id": "1", "cloudEvents_type": "T", "x": "y"}


def test_the_rabbitmq_adapter_and_the_kafka_headers_agree(
    registry: InMemoryRegistry, order: dict[str, Any]
) -> None:
    sent = Envelope.new("OrderCreated", order, source="orders")

    async def scenario() -> None:
        async with broker(registry) as bus:
            await bus.publisher.publish(sent)
            message = await next_message(bus)
            kafka_headers = EventSerializer(registry).serialize(sent).headers
            assert from_amqp_properties(message.headers, message.content_type) == kafka_headers

    run(scenario)
