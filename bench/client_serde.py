"""Client publish/consume speed against the floor and confluent-kafka's serializers, in one run.

    .venv/bin/python -m bench.client_serde [--seconds 1.0]

Floors: JSON = compiled validator (jsonschema-rs) + orjson + 5-byte header; Avro = fastavro
schemaless_writer/reader + header. Peers: confluent-kafka's JSON/Avro (de)serializers with its own
in-process mock registry (warm cache). Accord runs through RegistryClient on a counting transport,
to show that no HTTP call is made per message once warm. Cases are interleaved batch by batch so
that both get the same share of a noisy, shared machine; per-call times are batch means.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import fastavro
import httpx
import jsonschema_rs
import orjson
from confluent_kafka.schema_registry import Schema as ConfluentSchema
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_DATA, ORDER_CREATED_JSON
from client import Envelope, EventDeserializer, EventSerializer, RegistryClient

AVRO_TEXT = orjson.dumps(ORDER_CREATED_AVRO).decode()
JSON_TEXT = orjson.dumps(ORDER_CREATED_JSON).decode()
BATCH = 25  # small batches, interleaved, so a burst of load from elsewhere hits every case alike


class CountingRegistry:
    """Answers Confluent's API for the two benchmark subjects and counts the HTTP requests."""

    def __init__(self) -> None:
        self.requests = 0
        self.subjects = {"OrderCreated": (1, AVRO_TEXT, "AVRO"), "OrderPlaced": (2, JSON_TEXT, "JSON")}

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        for subject, (schema_id, text, schema_type) in self.subjects.items():
            body = {
                "subject": subject,
                "version": 1,
                "id": schema_id,
                "schema": text,
                "schemaType": schema_type,
            }
            if request.url.path in (f"/subjects/{subject}/versions/latest", f"/schemas/ids/{schema_id}"):
                return httpx.Response(200, content=orjson.dumps(body))
        return httpx.Response(404, content=b'{"error_code": 40401, "message": "not found"}')


Case = Callable[[], Any] | tuple[Callable[[], Any], Callable[[Any], Any]]


def measure(cases: dict[str, Case], seconds: float) -> dict[str, list[float]]:
    """Per-call microseconds (one sample per batch of BATCH calls) for every case, interleaved.

    A case is a call, or (make, call): `make` builds a fresh argument (e.g. a new envelope) for each
    call, outside the timed loop, so nothing is cached across calls.
    """
    prepared = {
        name: case if isinstance(case, tuple) else (lambda: None, _ignoring(case))
        for name, case in cases.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for make, call in prepared.values():
        for _ in range(BATCH):
            call(make())
    deadline = time.perf_counter() + seconds * len(cases)
    while time.perf_counter() < deadline:
        for name, (make, call) in prepared.items():
            arguments = [make() for _ in range(BATCH)]
            gc.collect()
            gc.disable()  # as timeit does: a collection triggered by one case's garbage lands on another
            start = time.perf_counter_ns()
            for argument in arguments:
                call(argument)
            elapsed = time.perf_counter_ns() - start
            gc.enable()
            samples[name].append(elapsed / BATCH / 1000)
    return samples


def _ignoring(call: Callable[[], Any]) -> Callable[[Any], Any]:
    return lambda _: call()


def report(title: str, samples: dict[str, list[float]], baseline: str) -> None:
    base = statistics.median(samples[baseline])
    print(f"\n{title}")
    print(f"  {'case':<44} {'p50 µs':>8} {'p99 µs':>8} {'vs ' + baseline:>14}")
    for name, values in samples.items():
        values = sorted(values)
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"  {name:<44} {p50:>8.2f} {p99:>8.2f} {p50 / base:>13.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per case per table")
    seconds = parser.parse_args().seconds

    counting = CountingRegistry()
    registry = RegistryClient("http://registry.bench", transport=httpx.MockTransport(counting.handle))
    serializer, deserializer = EventSerializer(registry), EventDeserializer(registry)
    confluent = MockSchemaRegistryClient({"url": "mock://bench"})
    confluent.register_schema("OrderCreated", ConfluentSchema(AVRO_TEXT, "AVRO"))
    confluent.register_schema("OrderPlaced", ConfluentSchema(JSON_TEXT, "JSON"))
    # confluent-kafka's serializers in two configurations: its defaults (the schema given to the
    # serializer, auto-registered once, then cached), and the latest registered version of the subject.
    confluent_conf = {
        "auto.register.schemas": False,
        "use.latest.version": True,
        "subject.name.strategy": lambda ctx, record_name: ctx.topic,
    }
    default_conf: dict[str, Any] = {}
    data = ORDER_CREATED_DATA
    print(
        f"event: {len(orjson.dumps(data))} bytes of JSON, "
        f"{sum(1 for _ in _fields(ORDER_CREATED_AVRO))} Avro fields (nested included)"
    )

    # JSON publish
    validator = jsonschema_rs.Draft7Validator(ORDER_CREATED_JSON, validate_formats=False)
    json_prefix = b"\x00\x00\x00\x00\x02"

    def json_floor() -> bytes:
        if not validator.is_valid(data):
            raise ValueError
        return json_prefix + orjson.dumps(data)

    json_event = Envelope.new("OrderPlaced", data, source="bench")

    def new_json_event() -> Envelope:
        return Envelope.new("OrderPlaced", data, source="bench")

    json_ctx = SerializationContext("OrderPlaced", MessageField.VALUE)
    json_peer = JSONSerializer(JSON_TEXT, confluent, conf=confluent_conf)
    json_default = JSONSerializer(JSON_TEXT, confluent, conf=default_conf)
    report(
        "JSON publish (validate + serialize + frame)",
        measure(
            {
                "floor: jsonschema-rs + orjson + header": json_floor,
                "accord: EventSerializer.encode (data only)": lambda: serializer.encode("OrderPlaced", data),
                "accord: serialize(new envelope) (+ce headers)": (new_json_event, serializer.serialize),
                "confluent-kafka JSONSerializer (use.latest.version)": lambda: json_peer(data, json_ctx),
                "confluent-kafka JSONSerializer (default config)": lambda: json_default(data, json_ctx),
            },
            seconds,
        ),
        "floor: jsonschema-rs + orjson + header",
    )

    # Avro publish
    parsed = fastavro.parse_schema(ORDER_CREATED_AVRO)
    avro_prefix = b"\x00\x00\x00\x00\x01"

    def avro_floor() -> bytes:
        out = io.BytesIO()
        out.write(avro_prefix)
        fastavro.schemaless_writer(out, parsed, data)
        return out.getvalue()

    avro_event = Envelope.new("OrderCreated", data, source="bench")

    def new_avro_event() -> Envelope:
        return Envelope.new("OrderCreated", data, source="bench")

    avro_ctx = SerializationContext("OrderCreated", MessageField.VALUE)
    avro_peer = AvroSerializer(confluent, AVRO_TEXT, conf=confluent_conf)
    avro_default = AvroSerializer(confluent, AVRO_TEXT, conf=default_conf)
    report(
        "Avro publish (validate + serialize + frame)",
        measure(
            {
                "floor: fastavro schemaless_writer + header": avro_floor,
                "accord: EventSerializer.encode (data only)": lambda: serializer.encode("OrderCreated", data),
                "accord: serialize(new envelope) (+ce headers)": (new_avro_event, serializer.serialize),
                "confluent-kafka AvroSerializer (use.latest.version)": lambda: avro_peer(data, avro_ctx),
                "confluent-kafka AvroSerializer (default config)": lambda: avro_default(data, avro_ctx),
            },
            seconds,
        ),
        "floor: fastavro schemaless_writer + header",
    )

    # JSON consume
    json_message = serializer.serialize(json_event)
    json_bytes = json_message.value
    json_reader = JSONDeserializer(JSON_TEXT, schema_registry_client=confluent)

    def json_consume_floor() -> Any:
        int.from_bytes(json_bytes[1:5], "big")
        decoded = orjson.loads(memoryview(json_bytes)[5:])
        if not validator.is_valid(decoded):
            raise ValueError
        return decoded

    report(
        "JSON consume (unframe + parse + validate)",
        measure(
            {
                "floor: header + orjson + jsonschema-rs": json_consume_floor,
                "accord: EventDeserializer.deserialize (+envelope)": lambda: deserializer.deserialize(
                    json_bytes, json_message.headers
                ),
                "accord: EventDeserializer.decode (data only)": lambda: deserializer.decode(json_bytes),
                "confluent-kafka JSONDeserializer": lambda: json_reader(json_bytes, json_ctx),
            },
            seconds,
        ),
        "floor: header + orjson + jsonschema-rs",
    )

    # Avro consume, with and without a reader schema
    avro_message = serializer.serialize(avro_event)
    avro_bytes = avro_message.value
    avro_reader = AvroDeserializer(confluent)
    reader_schema = dict(
        ORDER_CREATED_AVRO,
        fields=[*ORDER_CREATED_AVRO["fields"][:-1], {"name": "giftMessage", "type": "string", "default": ""}],
    )
    parsed_reader = fastavro.parse_schema(reader_schema)
    evolving = EventDeserializer(registry, reader_schemas={"OrderCreated": reader_schema})

    def avro_consume_floor(reader: Any = None) -> Any:
        stream = io.BytesIO(avro_bytes)
        stream.seek(5)
        return fastavro.schemaless_reader(stream, parsed, reader)

    report(
        "Avro consume (unframe + decode)",
        measure(
            {
                "floor: header + fastavro schemaless_reader": avro_consume_floor,
                "accord: EventDeserializer.deserialize (+envelope)": lambda: deserializer.deserialize(
                    avro_bytes, avro_message.headers
                ),
                "accord: EventDeserializer.decode (data only)": lambda: deserializer.decode(avro_bytes),
                "confluent-kafka AvroDeserializer": lambda: avro_reader(avro_bytes, avro_ctx),
            },
            seconds,
        ),
        "floor: header + fastavro schemaless_reader",
    )
    report(
        "Avro consume with a different reader schema (resolution)",
        measure(
            {
                "floor: fastavro schemaless_reader(writer, reader)": lambda: avro_consume_floor(
                    parsed_reader
                ),
                "accord: deserialize with reader_schemas": lambda: evolving.deserialize(
                    avro_bytes, avro_message.headers
                ),
            },
            seconds,
        ),
        "floor: fastavro schemaless_reader(writer, reader)",
    )

    before = counting.requests
    for _ in range(1000):
        deserializer.deserialize(avro_bytes, avro_message.headers)
        serializer.serialize(json_event)
    print(
        f"\nregistry HTTP requests: {before} while warming up, {counting.requests - before} "
        "during 2000 more warm calls"
    )


def _fields(schema: Any) -> Any:
    if isinstance(schema, dict):
        for field in schema.get("fields", ()):
            yield field
            yield from _fields(field["type"])
        if schema.get("type") == "array":
            yield from _fields(schema["items"])


if __name__ == "__main__":
    main()
