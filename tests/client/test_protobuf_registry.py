"""The HTTP calls the client makes for Protobuf, against a stub of Confluent's API as the registry side
answers it: base64 FileDescriptorProtos in, .proto text out by default, descriptors with
`?format=serialized`. The exact list of requests is the contract the registry is built to."""

from __future__ import annotations

import base64
import time

import httpx
import orjson
import pytest

from client import (
    Envelope,
    EventDeserializer,
    EventSerializer,
    MalformedMessageError,
    RegistryClient,
    RetryPolicy,
    UnusableSchemaError,
)
from tests.client.protobuf_support import order_created, orders

ADDRESS = "acme/common/v1/address.proto"
ADDRESS_PATH = "acme%2Fcommon%2Fv1%2Faddress.proto"
PROTO_TEXT = 'syntax = "proto3"; // .proto text, which the client never parses'


class ProtobufRegistry:
    """Confluent's subject, version and id routes for Protobuf schemas; records every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, object]] = []
        self.ids: dict[tuple[str, str], int] = {}
        self.schemas: dict[int, dict] = {}
        self.versions: dict[str, list[int]] = {}
        self.serialized_override: str | None = None
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = orjson.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.raw_path.decode(), body))
        if self.down:
            raise httpx.ConnectError("registry unreachable")
        parts = request.url.raw_path.decode().split("?")[0].strip("/").split("/")
        serialized = request.url.params.get("format") == "serialized"
        if parts[:2] == ["schemas", "ids"]:
            return self.json(self.rendered(int(parts[2]), serialized))
        subject = httpx.URL(f"/{parts[1]}").path.strip("/") if len(parts) > 1 else ""
        if request.method == "POST" and parts[2:] == ["versions"]:
            return self.json({"id": self.register(subject, body)})
        if request.method == "POST" and len(parts) == 2:
            schema_id = self.ids[(body["schema"], orjson.dumps(body.get("references", [])).decode())]
            return self.json(self.registered(subject, self.versions[subject].index(schema_id) + 1, False))
        if request.method == "GET" and subject not in self.versions:
            return self.json({"error_code": 40401, "message": f"Subject '{subject}' not found."}, 404)
        if request.method == "GET" and parts[2] == "versions":
            version = len(self.versions[subject]) if parts[3] == "latest" else int(parts[3])
            return self.json(self.registered(subject, version, serialized))
        return self.json({"error_code": 40401, "message": "not found"}, 404)

    def register(self, subject: str, body: dict) -> int:
        key = (body["schema"], orjson.dumps(body.get("references", [])).decode())
        schema_id = self.ids.setdefault(key, len(self.ids) + 1)
        self.schemas[schema_id] = body
        if schema_id not in self.versions.setdefault(subject, []):
            self.versions[subject].append(schema_id)
        return schema_id

    def rendered(self, schema_id: int, serialized: bool) -> dict:
        stored = self.schemas[schema_id]
        text = (self.serialized_override or stored["schema"]) if serialized else PROTO_TEXT
        return {"schema": text, "schemaType": "PROTOBUF", "references": stored.get("references", [])}

    def registered(self, subject: str, version: int, serialized: bool) -> dict:
        schema_id = self.versions[subject][version - 1]
        return {
            "subject": subject,
            "version": version,
            "id": schema_id,
            **self.rendered(schema_id, serialized),
        }

    @staticmethod
    def json(body: object, status: int = 200) -> httpx.Response:
        return httpx.Response(status, content=orjson.dumps(body))


def client_for(fake: ProtobufRegistry, **options) -> RegistryClient:
    options.setdefault("retry", RetryPolicy(retries=0))
    return RegistryClient("http://registry.test", transport=httpx.MockTransport(fake.handle), **options)


def text_of(file) -> str:
    return base64.b64encode(file.serialized_pb).decode()


def test_publishing_a_generated_class_makes_confluents_calls_then_none():
    fake = ProtobufRegistry()
    serializer = EventSerializer(
        client_for(fake), schemas={"OrderCreated": orders().OrderCreated}, auto_register=True
    )
    message = serializer.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
    address = {"schema": text_of(orders().DESCRIPTOR.dependencies[0]), "schemaType": "PROTOBUF"}
    file = {
        "schema": text_of(orders().DESCRIPTOR),
        "schemaType": "PROTOBUF",
        "references": [{"name": ADDRESS, "subject": ADDRESS, "version": 1}],
    }
    assert fake.requests == [
        ("POST", f"/subjects/{ADDRESS_PATH}/versions", address),
        ("POST", f"/subjects/{ADDRESS_PATH}", address),
        ("POST", "/subjects/OrderCreated/versions", file),
        ("POST", "/subjects/OrderCreated", file),
        ("GET", "/schemas/ids/2?format=serialized", None),
        ("GET", f"/subjects/{ADDRESS_PATH}/versions/1?format=serialized", None),
    ]
    assert message.value[:6] == b"\x00\x00\x00\x00\x02\x00"
    fake.requests.clear()
    for _ in range(20):
        serializer.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
    assert fake.requests == []


def test_consuming_fetches_the_descriptors_once_and_then_works_offline():
    fake = ProtobufRegistry()
    publisher = EventSerializer(
        client_for(fake), schemas={"OrderCreated": orders().OrderCreated}, auto_register=True
    )
    message = publisher.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
    fake.requests.clear()
    registry = client_for(fake, latest_ttl=0.01)
    consumer = EventDeserializer(registry, protobuf_classes=[orders().OrderCreated])
    latest_publisher = EventSerializer(registry)
    assert consumer.deserialize(message.value, message.headers).data == order_created()
    latest_publisher.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
    assert fake.requests == [
        ("GET", "/schemas/ids/2", None),
        ("GET", "/schemas/ids/2?format=serialized", None),
        ("GET", f"/subjects/{ADDRESS_PATH}/versions/1?format=serialized", None),
        ("GET", "/subjects/OrderCreated/versions/latest", None),
    ]
    fake.down = True
    time.sleep(0.02)  # the latest version has expired: publishing asks, and is served the stale one
    for _ in range(3):
        again = latest_publisher.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
        assert consumer.deserialize(again.value, again.headers).data == order_created()


def test_a_registry_that_serves_no_descriptor_makes_the_schema_unusable():
    fake = ProtobufRegistry()
    serializer = EventSerializer(
        client_for(fake), schemas={"OrderCreated": orders().OrderCreated}, auto_register=True
    )
    fake.serialized_override = PROTO_TEXT
    with pytest.raises(UnusableSchemaError, match="is not a base64 FileDescriptorProto"):
        serializer.serialize(Envelope.new("OrderCreated", order_created(), source="shop"))
    raw = b"\x00\x00\x00\x00\x02\x00" + order_created().SerializeToString()
    with pytest.raises(
        MalformedMessageError, match=r"schema id 2 cannot be used: schema id 2 is not a base64"
    ):
        EventDeserializer(client_for(fake)).deserialize(raw, {"ce_type": "OrderCreated"})


def test_a_missing_reference_names_itself():
    fake = ProtobufRegistry()
    fake.register(
        "OrderCreated",
        {
            "schema": text_of(orders().DESCRIPTOR),
            "references": [{"name": ADDRESS, "subject": ADDRESS, "version": 1}],
        },
    )
    raw = b"\x00\x00\x00\x00\x01\x00" + order_created().SerializeToString()
    with pytest.raises(
        MalformedMessageError, match=f"its descriptors cannot be had: Subject '{ADDRESS}' not found"
    ):
        EventDeserializer(client_for(fake)).deserialize(raw, {"ce_type": "OrderCreated"})


def test_formatted_answers_are_cached_apart_from_the_plain_text():
    fake = ProtobufRegistry()
    fake.register("OrderCreated", {"schema": text_of(orders().DESCRIPTOR)})
    registry = client_for(fake)
    assert registry.get_schema(1).schema_str == PROTO_TEXT
    for _ in range(2):
        assert registry.get_schema(1, format="serialized").schema_str == text_of(orders().DESCRIPTOR)
        assert registry.get_version("OrderCreated", 1, format="serialized").schema_id == 1
    assert [path for _, path, _ in fake.requests] == [
        "/schemas/ids/1",
        "/schemas/ids/1?format=serialized",
        "/subjects/OrderCreated/versions/1?format=serialized",
    ]
