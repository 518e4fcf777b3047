"""JSON Schema references on the client's hot path, and the UI's JSON diff page, in one run each.

    .venv/bin/python -m bench.json_references [--seconds 1.0] [--rounds 30]

Client: OrderCreated (~1 KB event, bench/order_created.py) whose two addresses are `{"$ref":
"address.json"}` to a registered schema, against the same schema with the addresses written inline
(the floor): publish (validate + serialize + frame) and consume (decode + validate) through the
in-memory registry, per call, interleaved batch by batch.

UI: the diff page of two OrderCreated versions in JSON Schema (which also lists every change the JSON
Schema engine finds) against the diff page of the same change in Avro, and against the JSON version
page (the floor: the same server work minus the comparison), fetched in-process, interleaved.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from bench.client_serde import measure, report
from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_DATA, ORDER_CREATED_JSON
from bench.ui_pages import measure as measure_pages
from bench.ui_pages import percentile
from client import EventDeserializer, EventSerializer, InMemoryRegistry, Schema, SchemaReference
from registry import migrations
from registry.app import create_app
from registry.config import Settings


def referencing_order() -> tuple[dict, dict]:
    """OrderCreated with both addresses moved into a schema of their own, and that schema."""
    order = copy.deepcopy(ORDER_CREATED_JSON)
    address = order["properties"]["shippingAddress"]
    order["properties"]["shippingAddress"] = {"$ref": "address.json"}
    order["properties"]["billingAddress"] = {"$ref": "address.json"}
    return order, address


def client_tables(seconds: float) -> None:
    order, address = referencing_order()
    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", Schema(orjson.dumps(ORDER_CREATED_JSON).decode(), "JSON"))
    registry.register_schema("address", Schema(orjson.dumps(address).decode(), "JSON"))
    reference = (SchemaReference("address.json", "address", 1),)
    registry.register_schema("OrderPlaced", Schema(orjson.dumps(order).decode(), "JSON", reference))
    serializer, deserializer = EventSerializer(registry), EventDeserializer(registry)
    data = ORDER_CREATED_DATA
    inline = serializer.encode("OrderCreated", data)
    referencing = serializer.encode("OrderPlaced", data)
    assert deserializer.decode(referencing).data == deserializer.decode(inline).data == data

    publish = measure(
        {
            "floor: addresses inline": lambda: serializer.encode("OrderCreated", data),
            "addresses by reference": lambda: serializer.encode("OrderPlaced", data),
        },
        seconds,
    )
    report("JSON publish (validate + serialize + frame)", publish, "floor: addresses inline")
    consume = measure(
        {
            "floor: addresses inline": lambda: deserializer.decode(inline),
            "addresses by reference": lambda: deserializer.decode(referencing),
        },
        seconds,
    )
    report("JSON consume (decode + validate)", consume, "floor: addresses inline")


def ui_table(rounds: int) -> None:
    json_v2 = copy.deepcopy(ORDER_CREATED_JSON)
    json_v2["description"] = "An order was placed"
    json_v2["properties"]["loyaltyPoints"] = {"type": "number"}  # TYPE_EXTENDED
    json_v2["properties"]["channel"] = {"type": "string", "maxLength": 40}  # MAX_LENGTH_ADDED
    json_v2["properties"]["giftMessage"] = {}  # an empty-schema property
    avro_v2 = copy.deepcopy(ORDER_CREATED_AVRO)
    avro_v2["fields"].append({"name": "giftMessage", "type": ["null", "string"], "default": None})
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'registry.db'}"
        migrations.upgrade(url)
        with TestClient(create_app(Settings(database_url=url))) as client:
            client.put("/config", json={"compatibility": "NONE"}).raise_for_status()
            for subject, schema_type, versions in (
                ("orders-json", "JSON", (ORDER_CREATED_JSON, json_v2)),
                ("orders-avro", "AVRO", (ORDER_CREATED_AVRO, avro_v2)),
            ):
                for schema in versions:
                    body = {"schema": orjson.dumps(schema).decode(), "schemaType": schema_type}
                    client.post(f"/subjects/{subject}/versions", json=body).raise_for_status()
            paths = {
                "floor: JSON version page": "/ui/subjects/orders-json/versions/2",
                "JSON diff page (with every change)": "/ui/subjects/orders-json/diff",
                "Avro diff page (same event)": "/ui/subjects/orders-avro/diff",
            }
            timings = measure_pages(client, paths, rounds)
    floor = statistics.median(timings["floor: JSON version page"])
    print(f"\nUI pages, SQLite, {rounds} rounds (ms)")
    print(f"  {'page':<36} {'p50':>8} {'p99':>8} {'p50 / floor':>12}")
    for name, samples in timings.items():
        p50 = statistics.median(samples)
        print(f"  {name:<36} {p50:8.2f} {percentile(samples, 0.99):8.2f} {p50 / floor:11.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per client case per table")
    parser.add_argument("--rounds", type=int, default=30, help="fetches of each UI page")
    arguments = parser.parse_args()
    client_tables(arguments.seconds)
    ui_table(arguments.rounds)


if __name__ == "__main__":
    main()
