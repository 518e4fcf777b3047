"""Accord's client and confluent-kafka's serializers against a real `accord serve`: each reads what
the other writes, in Avro and in JSON Schema (with references by name), and the client keeps working
from its cache when the registry goes away."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from confluent_kafka.schema_registry import Schema as ConfluentSchema
from confluent_kafka.schema_registry import SchemaReference as ConfluentReference
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_JSON
from client import (
    Envelope,
    EventDeserializer,
    EventSerializer,
    InvalidMessageError,
    RegistryClient,
    RegistryResponseError,
    RegistryUnavailableError,
    RetryPolicy,
    Schema,
    SchemaNotFoundError,
    SchemaReference,
)

AVRO_TEXT = orjson.dumps(ORDER_CREATED_AVRO).decode()
JSON_TEXT = orjson.dumps(ORDER_CREATED_JSON).decode()
ADDRESS = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "zip": {"$ref": "#/definitions/zip"}},
    "required": ["city"],
    "definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
}
CUSTOMER = {
    "title": "CustomerRegistered",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "home": {"$ref": "address.json"},
        "billingZip": {"$ref": "address.json#/definitions/zip"},
    },
    "required": ["name", "home"],
}
CUSTOMER_DATA = {"name": "Ada", "home": {"city": "London", "zip": "10115"}, "billingZip": "10117"}
ACCORD = Path(sys.executable).with_name("accord")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`accord serve` on a free port with a throwaway SQLite file; stopped by `stop()`."""

    def __init__(self, database: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        command = [str(ACCORD), "serve", "--host", "127.0.0.1", "--port", port, "--migrate"]
        command += ["--database-url", f"sqlite:///{database}"]
        env = {key: value for key, value in os.environ.items() if not key.startswith("ACCORD_")}
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"accord serve exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health/live", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("accord serve did not become live within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("accord") / "registry.db")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def confluent(server) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": server.url})


def subject_of(ctx: SerializationContext, record_name: str | None) -> str:
    return ctx.topic


def test_accord_reads_what_confluents_avro_serializer_writes(server, confluent, order):
    serializer = AvroSerializer(
        confluent, AVRO_TEXT, conf={"auto.register.schemas": True, "subject.name.strategy": subject_of}
    )
    written = serializer(order, SerializationContext("OrderCreatedByConfluent", MessageField.VALUE))
    with RegistryClient(server.url) as registry:
        payload = EventDeserializer(registry).decode(written)
        assert payload.schema_id == registry.get_latest_version("OrderCreatedByConfluent").schema_id
    assert {key: payload.data[key] for key in ("orderId", "items", "billingAddress")} == {
        key: order[key] for key in ("orderId", "items", "billingAddress")
    }


def test_confluents_avro_deserializer_reads_what_accord_writes(server, confluent, order):
    with RegistryClient(server.url) as registry:
        serializer = EventSerializer(
            registry, schemas={"OrderCreated": Schema(AVRO_TEXT)}, auto_register=True
        )
        message = serializer.serialize(Envelope.new("OrderCreated", order, source="orders"))
    decoded = AvroDeserializer(confluent)(message.value, SerializationContext("orders", MessageField.VALUE))
    assert decoded["items"] == order["items"]
    assert decoded["totalCents"] == order["totalCents"]
    registered = confluent.get_latest_version("OrderCreated")
    assert message.value[1:5] == registered.schema_id.to_bytes(4, "big")
    assert message.headers["ce_dataschema"] == f"{server.url}/schemas/ids/{registered.schema_id}"


def test_accord_reads_what_confluents_json_serializer_writes(server, confluent, order):
    serializer = JSONSerializer(
        JSON_TEXT, confluent, conf={"auto.register.schemas": True, "subject.name.strategy": subject_of}
    )
    written = serializer(order, SerializationContext("OrderPlacedByConfluent", MessageField.VALUE))
    with RegistryClient(server.url) as registry:
        payload = EventDeserializer(registry).decode(written)
        assert payload.schema_id == registry.get_latest_version("OrderPlacedByConfluent").schema_id
        assert registry.get_schema(payload.schema_id).schema_type == "JSON"
    assert payload.data == order


def test_confluents_json_deserializer_reads_what_accord_writes(server, confluent, order):
    with RegistryClient(server.url) as registry:
        serializer = EventSerializer(
            registry, schemas={"OrderPlaced": Schema(JSON_TEXT, "JSON")}, auto_register=True
        )
        message = serializer.serialize(Envelope.new("OrderPlaced", order, source="orders"))
        bare = serializer.encode("OrderPlaced", order)
    deserializer = JSONDeserializer(None, schema_registry_client=confluent)
    context = SerializationContext("orders", MessageField.VALUE)
    assert deserializer(message.value, context) == order
    assert deserializer(bare, context) == order
    registered = confluent.get_latest_version("OrderPlaced")
    assert registered.schema.schema_type == "JSON"
    assert message.value[1:5] == registered.schema_id.to_bytes(4, "big")
    assert message.headers["content-type"] == "application/json"


def test_json_references_by_name_both_ways(server, confluent):
    confluent.register_schema("address-json", ConfluentSchema(orjson.dumps(ADDRESS).decode(), "JSON"))
    customer_text = orjson.dumps(CUSTOMER).decode()
    context = SerializationContext("customers", MessageField.VALUE)
    by_confluent = JSONSerializer(
        ConfluentSchema(customer_text, "JSON", [ConfluentReference("address.json", "address-json", 1)]),
        confluent,
    )(CUSTOMER_DATA, context)
    with RegistryClient(server.url) as registry:
        reading = EventDeserializer(registry)
        assert reading.decode(by_confluent).data == CUSTOMER_DATA
        serializer = EventSerializer(
            registry,
            subject_name_strategy="topic",
            schemas={
                "customers-value": Schema(
                    customer_text, "JSON", (SchemaReference("address.json", "address-json", 1),)
                )
            },
        )
        by_accord = serializer.encode("CustomerRegistered", CUSTOMER_DATA, topic="customers")
        # what a referenced schema forbids, the consumer refuses too
        invalid = by_confluent[:5] + orjson.dumps({**CUSTOMER_DATA, "billingZip": "E1 6AN"})
        with pytest.raises(InvalidMessageError) as refused:
            reading.decode(invalid)
    assert by_accord[1:5] == by_confluent[1:5]
    assert JSONDeserializer(None, schema_registry_client=confluent)(by_accord, context) == CUSTOMER_DATA
    assert [(v.path, v.rule) for v in refused.value.violations] == [("$.billingZip", "pattern")]


def test_registry_client_against_the_real_registry(server):
    v1 = {"type": "record", "name": "PriceChanged", "fields": [{"name": "sku", "type": "string"}]}
    v2 = dict(v1, fields=[*v1["fields"], {"name": "cents", "type": "long", "default": 0}])
    breaking = dict(v1, fields=[{"name": "sku", "type": "long"}])
    with RegistryClient(server.url) as registry:
        first = registry.register_schema("PriceChanged", Schema(orjson.dumps(v1).decode()))
        assert registry.test_compatibility("PriceChanged", Schema(orjson.dumps(v2).decode())).is_compatible
        second = registry.register_schema("PriceChanged", Schema(orjson.dumps(v2).decode()))
        assert second != first
        latest = registry.get_latest_version("PriceChanged")
        assert (latest.version, latest.schema_id) == (2, second)
        assert registry.get_version("PriceChanged", 1).schema_id == first
        assert registry.lookup_schema("PriceChanged", Schema(orjson.dumps(v1).decode())).version == 1
        assert orjson.loads(registry.get_schema(first).schema_str) == orjson.loads(orjson.dumps(v1))
        verdict = registry.test_compatibility("PriceChanged", Schema(orjson.dumps(breaking).decode()))
        assert not verdict.is_compatible
        assert verdict.messages
        with pytest.raises(SchemaNotFoundError) as missing:
            registry.get_latest_version("NoSuchSubject")
        assert missing.value.error_code == 40401
        with pytest.raises(RegistryResponseError) as invalid:
            registry.register_schema("PriceChanged", Schema('{"type": "nope"}'))
        assert invalid.value.error_code == 42201


def test_publishing_and_consuming_survive_the_registry_going_away(tmp_path, order):
    server = Server(tmp_path / "registry.db")
    try:
        registry = RegistryClient(server.url, latest_ttl=0.01, retry=RetryPolicy(retries=1, backoff=0.01))
        EventSerializer(registry, schemas={"OrderCreated": Schema(AVRO_TEXT)}, auto_register=True).serialize(
            Envelope.new("OrderCreated", order, source="orders")
        )
        serializer, deserializer = EventSerializer(registry), EventDeserializer(registry)
        warm = serializer.serialize(Envelope.new("OrderCreated", order, source="orders"))
        deserializer.deserialize(warm.value, warm.headers)
    finally:
        server.stop()
    time.sleep(0.05)  # the latest-version entry has expired: the registry would be asked now
    for _ in range(3):
        message = serializer.serialize(Envelope.new("OrderCreated", order, source="orders"))
        assert deserializer.deserialize(message.value, message.headers).data["orderId"] == order["orderId"]
    with pytest.raises(RegistryUnavailableError):
        serializer.serialize(Envelope.new("OrderPaid", order, source="orders"))
    registry.close()
