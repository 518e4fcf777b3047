"""The Kafka adapter at the serializer boundary (no broker runs here), and byte-level interop with
confluent-kafka's own Avro and JSON serializers over a shared set of schema ids."""

from __future__ import annotations

import socket

import orjson
import pytest
from confluent_kafka import SerializingProducer
from confluent_kafka.error import ValueSerializationError
from confluent_kafka.schema_registry import Schema as ConfluentSchema
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_JSON
from client import Envelope, EventDeserializer, EventSerializer, EventValidationError, InMemoryRegistry
from client.adapters.kafka import EnvelopeDeserializer, EnvelopeSerializer, PayloadDeserializer
from tests.client.protobuf_support import order_created, orders

AVRO_TEXT = orjson.dumps(ORDER_CREATED_AVRO).decode()
JSON_TEXT = orjson.dumps(ORDER_CREATED_JSON).decode()
# Accord's default subject is the event type; the topic here carries it.
CONFLUENT_CONF = {
    "auto.register.schemas": False,
    "use.latest.version": True,
    "subject.name.strategy": lambda ctx, record_name: ctx.topic,
}


def context(headers=None) -> SerializationContext:
    return SerializationContext("orders", MessageField.VALUE, headers)


@pytest.fixture
def confluent_registry() -> MockSchemaRegistryClient:
    """confluent-kafka's in-process registry with the same ids as the `registry` fixture."""
    registry = MockSchemaRegistryClient({"url": "mock://accord-tests"})
    assert registry.register_schema("OrderCreated", ConfluentSchema(AVRO_TEXT, "AVRO")) == 1
    assert registry.register_schema("OrderPlaced", ConfluentSchema(JSON_TEXT, "JSON")) == 2
    return registry


@pytest.mark.parametrize("subject", ["OrderCreated", "OrderPlaced"])
def test_envelope_round_trips_through_the_kafka_serializers(registry, order, subject):
    sent = Envelope.new(subject, order, source="orders", partition_key="o-1")
    headers: list[tuple[str, bytes]] = []
    value = EnvelopeSerializer(EventSerializer(registry))(sent, context(headers))
    assert ("ce_id", sent.event_id.encode()) in headers
    received = EnvelopeDeserializer(EventDeserializer(registry))(value, context(headers))
    assert received is not None
    assert (received.event_id, received.partition_key, received.data["orderId"]) == (
        sent.event_id,
        "o-1",
        order["orderId"],
    )


def test_header_dicts_are_filled_too_and_none_passes_through(registry, order):
    headers: dict[str, bytes] = {}
    serializer = EnvelopeSerializer(EventSerializer(registry))
    serializer(Envelope.new("OrderCreated", order, source="orders"), context(headers))
    assert headers["ce_type"] == b"OrderCreated"
    assert serializer(None, context()) is None
    assert EnvelopeDeserializer(EventDeserializer(registry))(None, context()) is None


def test_serializing_producer_refuses_invalid_events_before_anything_is_queued(registry, order):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    producer = SerializingProducer(
        {
            "bootstrap.servers": f"127.0.0.1:{port}",
            "key.serializer": StringSerializer(),
            "value.serializer": EnvelopeSerializer(EventSerializer(registry)),
            "log_level": 0,
        }
    )
    valid = Envelope.new("OrderCreated", order, source="orders", partition_key="o-1")
    headers: list[tuple[str, bytes]] = []
    producer.produce("orders", key=valid.partition_key, value=valid, headers=headers)
    assert dict(headers)["ce_eventversion"] == b"1"
    invalid = Envelope.new("OrderCreated", dict(order, totalCents="lots"), source="orders")
    with pytest.raises(ValueSerializationError) as raised:
        producer.produce("orders", value=invalid, headers=[])
    assert isinstance(raised.value.__context__, EventValidationError)
    producer.purge()


def test_accord_reads_what_confluents_avro_serializer_writes(registry, confluent_registry, order):
    serializer = AvroSerializer(confluent_registry, AVRO_TEXT, conf=CONFLUENT_CONF)
    confluent_bytes = serializer(order, SerializationContext("OrderCreated", MessageField.VALUE))
    payload = EventDeserializer(registry).decode(confluent_bytes)
    assert payload.schema_id == 1
    assert payload.data["items"] == order["items"]
    assert (
        PayloadDeserializer(EventDeserializer(registry))(confluent_bytes, context())["orderId"]
        == order["orderId"]
    )


def test_confluents_avro_deserializer_reads_what_accord_writes(registry, confluent_registry, order):
    message = EventSerializer(registry).serialize(Envelope.new("OrderCreated", order, source="orders"))
    decoded = AvroDeserializer(confluent_registry)(message.value, context())
    assert {key: decoded[key] for key in ("orderId", "items", "shippingAddress")} == {
        key: order[key] for key in ("orderId", "items", "shippingAddress")
    }


def test_json_interop_both_ways(registry, confluent_registry, order):
    serializer = JSONSerializer(JSON_TEXT, confluent_registry, conf=CONFLUENT_CONF)
    confluent_bytes = serializer(order, SerializationContext("OrderPlaced", MessageField.VALUE))
    assert EventDeserializer(registry).decode(confluent_bytes).data == order
    message = EventSerializer(registry).serialize(Envelope.new("OrderPlaced", order, source="orders"))
    assert (
        JSONDeserializer(JSON_TEXT, schema_registry_client=confluent_registry)(message.value, context())
        == order
    )


def test_protobuf_envelopes_round_trip_through_the_kafka_serializers():
    registry = InMemoryRegistry()
    serializer = EnvelopeSerializer(
        EventSerializer(registry, schemas={"OrderCreated": orders().OrderCreated}, auto_register=True)
    )
    sent = Envelope.new("OrderCreated", order_created(), source="orders")
    headers: list[tuple[str, bytes]] = []
    value = serializer(sent, context(headers))
    assert ("content-type", b"application/protobuf") in headers
    deserializer = EnvelopeDeserializer(EventDeserializer(registry, protobuf_classes=[orders().OrderCreated]))
    received = deserializer(value, context(headers))
    assert received is not None
    assert (received.event_id, received.data) == (sent.event_id, order_created())
    with pytest.raises(EventValidationError):
        serializer(Envelope.new("OrderCreated", {"orderId": 7}, source="orders"), context([]))
