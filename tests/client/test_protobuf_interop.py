"""Byte for byte with confluent-kafka's ProtobufSerializer and ProtobufDeserializer, both ways, over the
same schema ids: the file's first message ([0]), its second ([1]) and a nested one ([1, 0]).

Confluent's in-process registry stands in for the registry on its side and Accord's in-memory one on
Accord's; both hold the same files (as Confluent's serializer registers them) under the same ids."""

from __future__ import annotations

import pytest
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import json_format

from client import EventDeserializer, EventSerializer, InMemoryRegistry
from client.adapters.kafka import PayloadDeserializer
from tests.client.protobuf_support import order_created, orders

CONTEXT = SerializationContext("orders", MessageField.VALUE)


def messages() -> list[tuple[str, object, bytes]]:
    """(event type, message, its message indexes on the wire)."""
    module = orders()
    return [
        ("OrderCreated", order_created(), b"\x00"),
        (
            "OrderShipped",
            module.OrderShipped(order_id="o-1", labels={"gift": "yes"}, carrier="An Post"),
            b"\x02\x02",
        ),
        (
            "ParcelWeighed",
            module.OrderShipped.Parcel(tracking_number="T-1", weight_grams=250),
            b"\x04\x02\x00",
        ),
    ]


@pytest.fixture
def confluent() -> MockSchemaRegistryClient:
    """The orders file registered by Confluent's own serializer under `orders-value` (its topic
    strategy), with its import under `acme/common/v1/address.proto`: ids 1 and 2."""
    registry = MockSchemaRegistryClient({"url": "mock://accord-protobuf"})
    ProtobufSerializer(orders().OrderCreated, registry, {"auto.register.schemas": True})(
        order_created(), CONTEXT
    )
    assert registry.get_latest_version("orders-value").schema_id == 2
    return registry


@pytest.fixture
def memory() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def accord(memory) -> EventSerializer:
    """Accord's serializer registering the same file the same way, into its own in-memory registry."""
    return EventSerializer(
        memory,
        subject_name_strategy="topic",
        schemas={"orders-value": orders().OrderCreated},
        auto_register=True,
        naming="off",
    )


@pytest.mark.parametrize(("event_type", "message", "indexes"), messages(), ids=lambda value: str(value)[:12])
def test_accord_writes_the_bytes_confluent_writes(confluent, accord, event_type, message, indexes):
    theirs = ProtobufSerializer(type(message), confluent, {"auto.register.schemas": True})(message, CONTEXT)
    ours = accord.encode(event_type, message, topic="orders")
    assert ours == theirs
    assert ours[: 5 + len(indexes)] == b"\x00\x00\x00\x00\x02" + indexes


@pytest.mark.parametrize(("event_type", "message", "indexes"), messages(), ids=lambda value: str(value)[:12])
def test_each_reads_what_the_other_writes(confluent, accord, memory, event_type, message, indexes):
    ours = accord.encode(event_type, message, topic="orders")
    assert ProtobufDeserializer(type(message), {}, confluent)(ours, CONTEXT) == message
    theirs = ProtobufSerializer(type(message), confluent, {"auto.register.schemas": True})(message, CONTEXT)
    payload = EventDeserializer(memory, protobuf_classes=[type(message)]).decode(theirs)
    assert (payload.schema_id, payload.data) == (2, message)
    dynamic = PayloadDeserializer(EventDeserializer(memory, protobuf_output="dict"))(theirs, CONTEXT)
    assert dynamic == json_format.MessageToDict(message)
