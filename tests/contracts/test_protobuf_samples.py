"""Protobuf samples (the JSON mapping, parsed by protobuf's json_format) and reader `.proto`
expectations (the Protobuf engine, producer as writer), in process, with each finding's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from client import Envelope
from contracts import ContractError, expect, expect_avro, expect_proto, integer, optional, string
from contracts.checks import (
    ProducerSchema,
    check_sample_expectation,
    check_sample_schema,
    check_schema_expectation,
)
from contracts.expectations import ConsumerContract, Expectation, read_contract, write_contract
from contracts.generation import generate_samples
from contracts.pact_export import export_pact
from contracts.plugin import ProducerSampleRecorder
from contracts.protobuf_data import message_class
from contracts.samples import Sample
from registry.compatibility import ResolvedReference, SchemaType, parse_schema

DATA = Path(__file__).resolve().parents[1] / "data" / "contracts" / "protobuf"
ORDERS = (DATA / "orders.proto").read_text()
SHIPMENT = (DATA / "shipment.proto").read_text()
PRODUCER = ProducerSchema("OrderCreated", "PROTOBUF", ORDERS, version=1)
READER = """
syntax = "proto3";
package acme.orders;
message OrderCreated {
  string order_id = 1;
  int64 total_cents = 2;
  repeated LineItem items = 6;
  message LineItem { string sku = 1; int32 quantity = 2; }
}
"""


def sample(data: object, *, schema: str = ORDERS, event_type: str = "OrderCreated") -> Sample:
    return Sample("placed", {"eventType": event_type, "data": data}, "PROTOBUF", schema)


def test_check_1_parses_the_sample_with_protobuf_and_names_each_wrong_field():
    bad = sample(
        {
            "orderId": 5,
            "totalCents": "x12",
            "status": "LOST",
            "items": [{"sku": "a", "quantity": "many"}],
            "nope": 1,
        }
    )
    found = {finding.path: finding for finding in check_sample_schema(bad, PRODUCER)}
    assert set(found) == {
        "$.data.orderId",
        "$.data.totalCents",
        "$.data.status",
        "$.data.items[0].quantity",
        "$.data.nope",
    }
    assert (
        found["$.data.status"].message
        == "Invalid enum value LOST for enum type acme.orders.OrderCreated.Status"
    )
    assert found["$.data.status"].expected == "Protobuf enum"
    assert found["$.data.nope"].message == "message acme.orders.OrderCreated has no field 'nope'"
    assert found["$.data.items[0].quantity"].found == '"many"'
    assert {finding.schema for finding in found.values()} == {"OrderCreated v1"}


def test_check_1_accepts_every_form_parse_dict_does_and_wants_proto2_required_fields():
    written = {"order_id": "o-1", "totalCents": 1200, "placedAt": "2024-01-01T00:00:00Z", "coupon": None}
    assert check_sample_schema(sample(written), PRODUCER) == []
    shipment = ProducerSchema("ShipmentSent", "PROTOBUF", SHIPMENT, version=1)
    partial = sample(
        {"carrier": "dhl", "address": {"city": "Bonn"}}, schema=SHIPMENT, event_type="ShipmentSent"
    )
    assert {(finding.path, finding.message) for finding in check_sample_schema(partial, shipment)} == {
        ("$.data.sentAt", "required field is missing"),
        ("$.data.address.street", "required field is missing"),
    }
    assert [finding.path for finding in check_sample_schema(sample(["o-1"]), PRODUCER)] == ["$.data"]


def test_check_2_sees_the_sample_as_decoded_defaults_included():
    reads = expect("OrderCreated", {"orderId": string(), "quantity": integer(), "note": optional(string())})
    needs_note = expect("OrderCreated", {"note": string()})
    quiet = sample({"orderId": "o-1"})  # quantity 0 and the empty status are left out, as MessageToDict does
    assert check_sample_expectation(quiet, reads, consumer="c@1") == []
    [missing] = check_sample_expectation(quiet, needs_note, consumer="c@1")
    assert (missing.path, missing.message) == ("$.data", "'note' is a required property")


def test_a_reader_proto_reads_what_the_producer_writes_and_ignores_what_it_does_not_reach():
    reader = expect_proto("OrderCreated", READER)
    assert check_schema_expectation(PRODUCER, reader, consumer="c@1") == []
    # another package and a message of its own do not matter: the wire carries neither
    elsewhere = expect_proto("OrderCreated", READER.replace("acme.orders", "billing") + "message Own {}")
    assert check_schema_expectation(PRODUCER, elsewhere, consumer="c@1") == []
    assert check_sample_expectation(sample({"orderId": "o-1", "note": "x"}), reader, consumer="c@1") == []


def test_a_reader_proto_breaks_on_another_wire_type_with_the_path_in_the_data():
    narrowed = READER.replace("int64 total_cents = 2;", "string total_cents = 2;").replace(
        "int32 quantity = 2;", "string quantity = 2;"
    )
    found = check_schema_expectation(PRODUCER, expect_proto("OrderCreated", narrowed), consumer="c@1")
    assert {(finding.path, finding.severity) for finding in found} == {
        ("$.data.totalCents", "error"),
        ("$.data.items[*].quantity", "error"),
    }
    assert all(finding.message.startswith("FIELD_SCALAR_KIND_CHANGED: ") for finding in found)
    assert "is int64 in the published schema but string in the expected schema" in found[0].message


def test_a_reader_proto_of_another_message_or_format_is_named():
    other = expect_proto("OrderCreated", READER.replace("message OrderCreated", "message Placed"))
    [mismatch] = check_schema_expectation(PRODUCER, other, consumer="c@1")
    assert mismatch.message.startswith(
        "MESSAGE_MISMATCH: the consumer decodes acme.orders.Placed, but the producer publishes "
        "acme.orders.OrderCreated as this event"
    )
    # a message named in the expectation is the event's message on both sides
    items = expect_proto("OrderCreated", READER, message="acme.orders.OrderCreated.LineItem")
    assert check_schema_expectation(PRODUCER, items, consumer="c@1") == []
    avro = ProducerSchema("OrderCreated", "AVRO", '{"type":"record","name":"O","fields":[]}', version=1)
    [wrong] = check_schema_expectation(avro, expect_proto("OrderCreated", READER), consumer="c@1")
    assert wrong.message.startswith("SCHEMA_TYPE_MISMATCH: the expectation is a Protobuf reader schema")
    avro_reader = expect_avro("OrderCreated", {"type": "record", "name": "O", "fields": []})
    [cannot] = check_schema_expectation(PRODUCER, avro_reader, consumer="c@1")
    assert "producer publishes PROTOBUF events" in cannot.message


def test_a_sample_against_a_reader_proto_skips_unknown_fields_but_not_wrong_values():
    reader = expect_proto("OrderCreated", READER)
    [wrong] = check_sample_expectation(
        sample({"orderId": "o-1", "totalCents": "ten"}), reader, consumer="c@1"
    )
    assert (wrong.path, wrong.found) == ("$.data.totalCents", '"ten"')


def test_reader_protos_are_checked_when_declared_and_round_trip_through_the_file(tmp_path):
    with pytest.raises(ContractError, match="line 1, column 28: Expected message name"):
        expect_proto("OrderCreated", "syntax = 'proto3'; message {")
    with pytest.raises(ContractError, match=r"has no message 'acme\.orders\.Refund'"):
        expect_proto("OrderCreated", READER, message="acme.orders.Refund")
    reader = expect_proto("OrderCreated", READER, message="acme.orders.OrderCreated")
    assert reader.examples() == [{"orderId": "", "totalCents": "0", "items": []}]
    json_reader = expect("OrderPaid", {"paidCents": string()}, message="acme.orders.OrderPaid")
    path = write_contract(ConsumerContract("billing", "b1", (reader, json_reader)), tmp_path / "b.json")
    read_back = read_contract(path).expectations
    assert [(item.schema_type, item.schema, item.message) for item in read_back] == [
        ("PROTOBUF", READER, "acme.orders.OrderCreated"),
        ("JSON", json_reader.schema, "acme.orders.OrderPaid"),
    ]


def test_samples_generated_from_a_message_are_valid_protobuf():
    generated = generate_samples(PRODUCER, source="order-service")
    assert generated
    assert all(check_sample_schema(item, PRODUCER) == [] for item in generated)
    assert all(item.data["totalCents"].lstrip("-").isdigit() for item in generated)  # int64 as text


def test_samples_recorded_from_the_clients_bus_are_in_the_json_mapping_and_pass():
    # the in-memory registry takes the compiled file (what EventSerializer registers for a generated class)
    compiled = parse_schema(SchemaType.PROTOBUF, ORDERS).serialized
    recorder = ProducerSampleRecorder("place order")
    recorder.register("OrderCreated", compiled, "PROTOBUF")
    generated_class = message_class(compiled, event_type="OrderCreated")
    recorder.bus.publish(Envelope.new("OrderCreated", {"orderId": "o-1"}, source="order-service"))
    recorder.bus.publish(Envelope.new("OrderCreated", generated_class(total_cents=7), source="order-service"))
    reads = expect("OrderCreated", {"orderId": string(), "totalCents": string(), "quantity": integer()})

    recorded = recorder.samples()

    assert [item.data for item in recorded] == [{"orderId": "o-1"}, {"totalCents": "7"}]
    producer = ProducerSchema("OrderCreated", "PROTOBUF", compiled, version=1)
    assert all(check_sample_schema(item, producer) == [] for item in recorded)
    assert all(check_sample_expectation(item, reads, consumer="c@1") == [] for item in recorded)


def test_a_reader_proto_exports_as_a_pact_of_its_json_mapping():
    contract = ConsumerContract("shipping", "s1", (expect_proto("OrderCreated", READER),))
    [interaction] = export_pact(contract, provider="order-service")["interactions"]
    assert interaction["contents"]["content"] == {"orderId": "", "totalCents": "0", "items": []}
    rules = interaction["matchingRules"]["content"]
    assert rules["$.orderId"]["matchers"] == [{"match": "type"}]
    assert rules["$.totalCents"]["matchers"][0]["match"] == "regex"  # int64: decimal text


ADDRESS = (
    'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; string city = 2; }\n'
)
SHIPPED = """
syntax = "proto3";
package acme.shipping;
import "acme/common/address.proto";
message OrderShipped { string order_id = 1; acme.common.Address to = 2; }
"""


def test_a_reader_proto_brings_its_own_imports():
    producer = ProducerSchema(
        "OrderShipped",
        "PROTOBUF",
        SHIPPED,
        version=1,
        references=(
            ResolvedReference("acme/common/address.proto", "addresses", 1, SchemaType.PROTOBUF, ADDRESS),
        ),
    )
    imports = {"acme/common/address.proto": ADDRESS}
    reader = expect_proto("OrderShipped", SHIPPED, imports=imports)
    numbered = expect_proto(
        "OrderShipped",
        SHIPPED,
        imports={"acme/common/address.proto": ADDRESS.replace("string city", "int32 city")},
    )

    assert check_schema_expectation(producer, reader, consumer="courier@1") == []
    [broken] = check_schema_expectation(producer, numbered, consumer="courier@1")
    assert broken.message.startswith(
        "FIELD_SCALAR_KIND_CHANGED: Field 'city' (number 2) of message acme.common.Address"
    )
    shipped = Sample(
        "sent", {"eventType": "OrderShipped", "data": {"to": {"city": "Bonn"}}}, "PROTOBUF", SHIPPED
    )
    [wrong] = check_sample_expectation(shipped, numbered, consumer="courier@1")
    assert wrong.path == "$.data.to.city"
    assert Expectation.from_dict(reader.to_dict()).imports == imports
    with pytest.raises(ContractError, match=r"Import \"acme/common/address\.proto\" was not found"):
        expect_proto("OrderShipped", SHIPPED)
