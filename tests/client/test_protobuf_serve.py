"""confluent-kafka's ProtobufSerializer and ProtobufDeserializer, and Accord's client, against a real
`accord serve`: auto-registration of a file with a well-known import and a user import (registered by
the serializer as a subject named by its import path), the file's second message (message indexes),
`use.latest.version`, an incompatible change refused with 409, and each side reading the other's bytes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from confluent_kafka.schema_registry import Schema as ConfluentSchema
from confluent_kafka.schema_registry import SchemaReference as ConfluentReference
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from client import EventDeserializer, EventSerializer, RegistryClient
from tests.client.protobuf_support import order_created, orders
from tests.client.test_interop import Server

ADDRESS = "acme/common/v1/address.proto"
CONTEXT = SerializationContext("orders", MessageField.VALUE)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("accord-protobuf") / "registry.db")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def confluent(server) -> SchemaRegistryClient:
    """The orders file auto-registered by Confluent's serializer, once for the module."""
    registry = SchemaRegistryClient({"url": server.url})
    ProtobufSerializer(orders().OrderCreated, registry, {"auto.register.schemas": True})(
        order_created(), CONTEXT
    )
    return registry


def test_confluents_serializer_registers_the_file_and_its_user_import(server, confluent):
    subjects = httpx.get(f"{server.url}/subjects").json()
    latest = httpx.get(f"{server.url}/subjects/orders-value/versions/latest").json()
    address = httpx.get(f"{server.url}/subjects/acme%2Fcommon%2Fv1%2Faddress.proto/versions/1").json()

    assert subjects == [ADDRESS, "orders-value"]  # the well-known timestamp.proto needs no subject
    assert latest["schemaType"] == "PROTOBUF"
    assert latest["references"] == [{"name": ADDRESS, "subject": ADDRESS, "version": 1}]
    assert 'import "google/protobuf/timestamp.proto";' in latest["schema"]
    assert "message Address" in address["schema"]


def latest(server: Server) -> dict:  # type: ignore[type-arg]
    """The latest version of orders-value, read beside Confluent's client: its cache of latest versions
    does not tell formats apart, and its serializers ask for `format=serialized`."""
    response = httpx.get(f"{server.url}/subjects/orders-value/versions/latest")
    assert response.status_code == 200, response.text
    version: dict = response.json()  # type: ignore[type-arg]
    return version


def test_confluents_deserializer_reads_every_message_of_the_file(server, confluent):
    module = orders()
    for message, indexes in (
        (order_created(), b"\x00"),
        (module.OrderShipped(order_id="o-1", labels={"gift": "yes"}, carrier="An Post"), b"\x02\x02"),
        (module.OrderShipped.Parcel(tracking_number="T-1", weight_grams=250), b"\x04\x02\x00"),
    ):
        serializer = ProtobufSerializer(type(message), confluent, {"auto.register.schemas": True})
        written = serializer(message, CONTEXT)
        schema_id = latest(server)["id"]

        assert written[:5] == b"\x00" + schema_id.to_bytes(4, "big")
        assert written[5 : 5 + len(indexes)] == indexes
        assert ProtobufDeserializer(type(message), {}, confluent)(written, CONTEXT) == message
        assert (
            ProtobufDeserializer(type(message), {"use.latest.version": True}, confluent)(written, CONTEXT)
            == message
        )


def test_use_latest_version_writes_with_the_registered_schema(server, confluent):
    schema_id = latest(server)["id"]
    serializer = ProtobufSerializer(
        orders().OrderCreated, confluent, {"auto.register.schemas": False, "use.latest.version": True}
    )

    written = serializer(order_created(), CONTEXT)

    assert written[1:5] == schema_id.to_bytes(4, "big")
    assert ProtobufDeserializer(orders().OrderCreated, {}, confluent)(written, CONTEXT) == order_created()


def test_an_incompatible_change_is_refused_with_409(server, confluent):
    before = latest(server)
    changed = before["schema"].replace("string order_id = 1;", "int64 order_id = 1;")
    assert changed != before["schema"]
    references = [ConfluentReference(ADDRESS, ADDRESS, 1)]

    with pytest.raises(SchemaRegistryError) as refused:
        confluent.register_schema("orders-value", ConfluentSchema(changed, "PROTOBUF", references))

    assert refused.value.http_status_code == 409
    assert "FIELD_SCALAR_KIND_CHANGED" in refused.value.error_message
    assert latest(server)["version"] == before["version"]


def test_accord_and_confluent_read_each_others_bytes_through_the_registry(server, confluent):
    message = order_created()
    theirs = ProtobufSerializer(orders().OrderCreated, confluent, {"auto.register.schemas": True})(
        message, CONTEXT
    )
    with RegistryClient(server.url) as registry:
        ours = EventSerializer(
            registry,
            subject_name_strategy="topic",
            schemas={"orders-value": orders().OrderCreated},
            auto_register=True,
            naming="off",
        ).encode("OrderCreated", message, topic="orders")
        read_by_accord = EventDeserializer(registry, protobuf_output="dict").decode(theirs)

    assert ours == theirs
    assert ProtobufDeserializer(orders().OrderCreated, {}, confluent)(ours, CONTEXT) == message
    assert read_by_accord.data["orderId"] == message.order_id
    assert len(read_by_accord.data["items"]) == len(message.items)
