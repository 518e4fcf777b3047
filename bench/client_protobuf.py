"""Client Protobuf publish/consume speed against the floor and confluent-kafka's serializers, in one run.

    .venv/bin/python -m bench.client_protobuf [--seconds 1.0]

The event is OrderCreated from tests/data/protobuf/acme/orders/v1/orders.proto (13 fields, 5 line items,
about 300 bytes), compiled at start-up with grpcio-tools. Floors: `SerializeToString` behind the 6-byte
header (prefix and the [0] message index), and `FromString` of the bytes after it. Peers: confluent-kafka's
ProtobufSerializer/ProtobufDeserializer on its in-process mock registry (warm). Accord runs through
RegistryClient on a counting transport (zero HTTP calls once warm). The JSON floor and JSON envelope
path are measured in the same run, because the Protobuf envelope path's target is the Protobuf floor
plus what the JSON envelope path adds to the JSON floor. Cases are interleaved batch by batch, as in
bench/client_serde.py, but timed in the thread's CPU time: a Protobuf call takes about a microsecond,
so on shared cores the wall clock mostly measures the other jobs' time slices.
"""

from __future__ import annotations

import argparse
import base64
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema_rs
import orjson
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from bench.client_serde import BATCH, Case, report
from bench.order_created import ORDER_CREATED_DATA, ORDER_CREATED_JSON
from client import Envelope, EventDeserializer, EventSerializer, RegistryClient
from tests.client.protobuf_support import order_created, orders, payments, valid_payment

ADDRESS = "acme/common/v1/address.proto"
VALIDATE = "buf/validate/validate.proto"


class CountingRegistry:
    """Answers Confluent's API for the benchmark subjects (Protobuf descriptors with ?format=serialized)
    and counts the HTTP requests."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        order_file, payment_file = orders().DESCRIPTOR, payments().DESCRIPTOR
        on_address = [{"name": ADDRESS, "subject": ADDRESS, "version": 1}]
        on_rules = [{"name": VALIDATE, "subject": VALIDATE, "version": 1}]
        self.answers = {
            "/subjects/OrderCreated/versions/latest": self.version("OrderCreated", 1, order_file, on_address),
            "/schemas/ids/1": self.version("OrderCreated", 1, order_file, on_address),
            f"/subjects/{ADDRESS.replace('/', '%2F')}/versions/1": self.version(
                ADDRESS, 2, order_file.dependencies[0], []
            ),
            "/subjects/PaymentCaptured/versions/latest": self.version(
                "PaymentCaptured", 3, payment_file, on_rules
            ),
            "/schemas/ids/3": self.version("PaymentCaptured", 3, payment_file, on_rules),
            f"/subjects/{VALIDATE.replace('/', '%2F')}/versions/1": self.version(
                VALIDATE, 5, payment_file.dependencies[0], []
            ),
            "/subjects/OrderPlaced/versions/latest": {
                "subject": "OrderPlaced",
                "version": 1,
                "id": 4,
                "schema": orjson.dumps(ORDER_CREATED_JSON).decode(),
                "schemaType": "JSON",
            },
        }

    @staticmethod
    def version(subject: str, schema_id: int, file: object, references: list[dict[str, object]]) -> dict:
        text = base64.b64encode(file.serialized_pb).decode()  # type: ignore[attr-defined]
        return {
            "subject": subject,
            "version": 1,
            "id": schema_id,
            "schema": text,
            "schemaType": "PROTOBUF",
            "references": references,
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.raw_path.decode())
        body = self.answers.get(request.url.raw_path.decode().split("?")[0])
        if body is None:
            return httpx.Response(404, content=b'{"error_code": 40401, "message": "not found"}')
        return httpx.Response(200, content=orjson.dumps(body))


def measure(cases: dict[str, Case], seconds: float) -> dict[str, list[float]]:
    """Per-call CPU microseconds (one sample per batch of BATCH calls) for every case, interleaved; a
    case is a call, or (make, call) with `make` building each call's argument outside the timing."""
    prepared: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
        name: case if isinstance(case, tuple) else (_nothing, _ignoring(case)) for name, case in cases.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    deadline = time.thread_time() + seconds * len(cases)
    first = True
    while time.thread_time() < deadline:
        for name, (make, call) in prepared.items():
            arguments = [make() for _ in range(BATCH)]
            gc.collect()
            gc.disable()
            start = time.thread_time_ns()
            for argument in arguments:
                call(argument)
            elapsed = time.thread_time_ns() - start
            gc.enable()
            if not first:  # the first round warms every case up
                samples[name].append(elapsed / BATCH / 1000)
        first = False
    return samples


def _nothing() -> None:
    return None


def _ignoring(call: Callable[[], Any]) -> Callable[[Any], Any]:
    return lambda _: call()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per case per table")
    seconds = parser.parse_args().seconds

    counting = CountingRegistry()
    registry = RegistryClient("http://registry.bench", transport=httpx.MockTransport(counting.handle))
    module = orders()
    message = order_created()
    serializer = EventSerializer(registry)
    deserializer = EventDeserializer(registry, protobuf_classes=[module.OrderCreated])
    dynamic = EventDeserializer(registry)
    mapping = EventDeserializer(registry, protobuf_output="dict")
    confluent = MockSchemaRegistryClient({"url": "mock://bench"})
    context = SerializationContext("orders", MessageField.VALUE)
    confluent_serializer = ProtobufSerializer(module.OrderCreated, confluent, {"auto.register.schemas": True})
    framed = confluent_serializer(message, context)
    confluent_deserializer = ProtobufDeserializer(module.OrderCreated, {}, confluent)
    print(
        f"event: OrderCreated, {len(message.SerializeToString())} bytes of Protobuf, "
        f"{len(module.OrderCreated.DESCRIPTOR.fields)} fields, {len(message.items)} line items"
    )

    header = b"\x00\x00\x00\x00\x01\x00"
    validator = jsonschema_rs.Draft7Validator(ORDER_CREATED_JSON, validate_formats=False)
    data = ORDER_CREATED_DATA

    def protobuf_floor() -> bytes:
        return header + message.SerializeToString()

    def json_floor() -> bytes:
        if not validator.is_valid(data):
            raise ValueError
        return header[:5] + orjson.dumps(data)

    def new_event() -> Envelope:
        return Envelope.new("OrderCreated", message, source="bench")

    def new_json_event() -> Envelope:
        return Envelope.new("OrderPlaced", data, source="bench")

    publish = measure(
        {
            "floor: SerializeToString + 6-byte header": protobuf_floor,
            "accord: EventSerializer.encode (data only)": lambda: serializer.encode("OrderCreated", message),
            "accord: serialize(new envelope) (+ce headers)": (new_event, serializer.serialize),
            "confluent-kafka ProtobufSerializer": lambda: confluent_serializer(message, context),
            "JSON floor: jsonschema-rs + orjson + header": json_floor,
            "JSON: serialize(new envelope)": (new_json_event, serializer.serialize),
        },
        seconds,
    )
    report("Protobuf publish (serialize + frame)", publish, "floor: SerializeToString + 6-byte header")

    value = serializer.encode("OrderCreated", message)
    assert value == framed.replace(framed[:5], b"\x00\x00\x00\x00\x01", 1)
    event = serializer.serialize(new_event())
    json_event = serializer.serialize(new_json_event())
    json_bytes = json_event.value
    from_string = module.OrderCreated.FromString

    def json_consume_floor() -> object:
        decoded = orjson.loads(memoryview(json_bytes)[5:])
        if not validator.is_valid(decoded):
            raise ValueError
        return decoded

    consume = measure(
        {
            "floor: FromString after the 6-byte header": lambda: from_string(value[6:]),
            "accord: EventDeserializer.decode (data only)": lambda: deserializer.decode(value),
            "accord: deserialize (+envelope)": lambda: deserializer.deserialize(event.value, event.headers),
            "accord: decode, no generated code (dynamic)": lambda: dynamic.decode(value),
            "accord: decode into the JSON mapping (dict)": lambda: mapping.decode(value),
            "confluent-kafka ProtobufDeserializer": lambda: confluent_deserializer(framed, context),
            "JSON floor: header + orjson + jsonschema-rs": json_consume_floor,
            "JSON: deserialize (+envelope)": lambda: deserializer.deserialize(json_bytes, json_event.headers),
        },
        seconds,
    )
    report("Protobuf consume (unframe + parse)", consume, "floor: FromString after the 6-byte header")

    payment = valid_payment()
    payment_header = b"\x00\x00\x00\x00\x03\x00"
    validation = measure(
        {
            "floor: SerializeToString + header": lambda: payment_header + payment.SerializeToString(),
            "accord: encode with buf.validate rules": lambda: serializer.encode("PaymentCaptured", payment),
        },
        seconds,
    )
    report(
        "Protobuf publish with buf.validate rules (PaymentCaptured)",
        validation,
        "floor: SerializeToString + header",
    )

    median = {name: statistics.median(values) for name, values in {**publish, **consume}.items()}
    print("\ntargets (p50 ratios of this run)")
    checks = [
        (
            "encode <= 1.5x floor",
            median["accord: EventSerializer.encode (data only)"],
            1.5 * median["floor: SerializeToString + 6-byte header"],
        ),
        (
            "decode <= 1.5x floor",
            median["accord: EventDeserializer.decode (data only)"],
            1.5 * median["floor: FromString after the 6-byte header"],
        ),
        (
            "serialize <= floor + JSON envelope cost",
            median["accord: serialize(new envelope) (+ce headers)"],
            median["floor: SerializeToString + 6-byte header"]
            + median["JSON: serialize(new envelope)"]
            - median["JSON floor: jsonschema-rs + orjson + header"],
        ),
        (
            "deserialize <= floor + JSON envelope cost",
            median["accord: deserialize (+envelope)"],
            median["floor: FromString after the 6-byte header"]
            + median["JSON: deserialize (+envelope)"]
            - median["JSON floor: header + orjson + jsonschema-rs"],
        ),
        (
            "publish >= 3x faster than confluent",
            3 * median["accord: EventSerializer.encode (data only)"],
            median["confluent-kafka ProtobufSerializer"],
        ),
        (
            "consume >= 5x faster than confluent",
            5 * median["accord: EventDeserializer.decode (data only)"],
            median["confluent-kafka ProtobufDeserializer"],
        ),
    ]
    for name, measured, limit in checks:
        print(
            f"  {name:<44} {measured:>8.2f} vs {limit:>8.2f} µs  {'met' if measured <= limit else 'MISSED'}"
        )

    before = len(counting.requests)
    for _ in range(1000):
        deserializer.deserialize(event.value, event.headers)
        serializer.serialize(new_event())
    during = counting.requests[before:]
    print(f"\nregistry HTTP requests: {before} before, {len(during)} during 2000 more warm calls {during}")
    print("(a latest-version request there is the refresh due once the 60 s latest_ttl has run out)")


if __name__ == "__main__":
    main()
