"""Protobuf events through EventSerializer and EventDeserializer, on the in-memory registry: generated
and dynamic messages, dicts in the JSON mapping, message indexes, buf.validate rules and every way a
message or a schema can be wrong."""

from __future__ import annotations

import base64

import orjson
import pytest
from google.protobuf import descriptor_pb2, json_format

from client import (
    BatchValidationError,
    Envelope,
    EventDeserializer,
    EventSerializer,
    EventValidationError,
    InMemoryBus,
    InMemoryRegistry,
    InvalidMessageError,
    MalformedMessageError,
    RegistryResponseError,
    Schema,
    SchemaReference,
    UnusableSchemaError,
)
from client.wire import schema_prefix
from tests.client.protobuf_support import generated, order_created, orders, payments, valid_payment

ADDRESS_FILE = "acme/common/v1/address.proto"


def event(event_type: str, data, **options) -> Envelope:
    return Envelope.new(event_type, data, source="shop", **options)


@pytest.fixture
def registry() -> InMemoryRegistry:
    return InMemoryRegistry()


@pytest.fixture
def serializer(registry) -> EventSerializer:
    """Each event's subject holds the file of its generated class, registered on first use."""
    module = orders()
    classes = {
        "OrderCreated": module.OrderCreated,
        "OrderShipped": module.OrderShipped,
        "ParcelWeighed": module.OrderShipped.Parcel,
        "PaymentCaptured": payments().PaymentCaptured,
    }
    return EventSerializer(registry, schemas=classes, auto_register=True)


def test_generated_messages_round_trip_in_binary_mode(serializer, registry):
    sent = event("OrderCreated", order_created(), partition_key="ord-1")
    message = serializer.serialize(sent)
    schema_id = registry.get_latest_version("OrderCreated").schema_id
    assert message.value == schema_prefix(schema_id) + b"\x00" + order_created().SerializeToString()
    assert message.headers["content-type"] == "application/protobuf"
    assert message.headers["ce_dataschema"] == f"memory://accord/schemas/ids/{schema_id}"
    received = EventDeserializer(registry, protobuf_classes=[orders().OrderCreated]).deserialize(
        message.value, message.headers
    )
    assert type(received.data) is orders().OrderCreated
    assert received.data == order_created()
    assert (received.event_id, received.event_version, received.partition_key) == (sent.event_id, 1, "ord-1")


def test_the_file_and_its_imports_are_registered_as_confluents_serializer_registers_them(
    serializer, registry
):
    serializer.serialize(event("OrderCreated", order_created()))
    file = orders().OrderCreated.DESCRIPTOR.file
    registered = registry.get_latest_version("OrderCreated").schema
    assert registered.schema_type == "PROTOBUF"
    assert base64.b64decode(registered.schema_str) == file.serialized_pb
    # the import is a subject named by its path; the well-known timestamp.proto is neither
    assert registered.references == (SchemaReference(ADDRESS_FILE, ADDRESS_FILE, 1),)
    address = registry.get_latest_version(ADDRESS_FILE).schema
    assert base64.b64decode(address.schema_str) == file.dependencies[0].serialized_pb


@pytest.mark.parametrize(
    ("event_type", "data", "indexes"),
    [
        ("OrderShipped", lambda: orders().OrderShipped(order_id="o-1", carrier="An Post"), b"\x02\x02"),
        ("ParcelWeighed", lambda: orders().OrderShipped.Parcel(weight_grams=250), b"\x04\x02\x00"),
    ],
)
def test_second_and_nested_messages_carry_their_message_indexes(
    serializer, registry, event_type, data, indexes
):
    message = serializer.serialize(event(event_type, data()))
    assert message.value[5 : 5 + len(indexes)] == indexes
    assert message.value[5 + len(indexes) :] == data().SerializeToString()
    received = EventDeserializer(registry).deserialize(message.value, message.headers)
    assert received.data.DESCRIPTOR.full_name == data().DESCRIPTOR.full_name
    assert received.data.SerializeToString() == data().SerializeToString()


def test_consumers_without_generated_code_get_dynamic_messages_or_the_json_mapping(serializer, registry):
    message = serializer.serialize(event("OrderCreated", order_created()))
    dynamic = EventDeserializer(registry).deserialize(message.value, message.headers).data
    assert type(dynamic) is not orders().OrderCreated
    assert (dynamic.order_id, dynamic.items[4].sku, dynamic.placed_at.seconds) == (
        "ord-7f3a9c21-5b7e-4d2a-9c11",
        "BK-0004",
        1767225600,
    )
    mapped = EventDeserializer(registry, protobuf_output="dict").deserialize(message.value, message.headers)
    assert mapped.data == json_format.MessageToDict(order_created())
    assert (mapped.data["placedAt"], mapped.data["totalCents"], mapped.data["status"]) == (
        "2026-01-01T00:00:00.250Z",
        "20150",
        "STATUS_NEW",
    )
    assert event("OrderCreated", dynamic).to_dict()["data"] == mapped.data


def test_dicts_in_the_json_mapping_publish_as_the_message_named_like_the_event(serializer, registry):
    data = {
        "orderId": "o-1",
        "parcels": [{"trackingNumber": "T-1", "weightGrams": 250}],
        "labels": {"a": "b"},
    }
    message = serializer.serialize(event("OrderShipped", data))
    assert message.value[5:7] == b"\x02\x02"  # OrderShipped, the file's second message
    mapped = EventDeserializer(registry, protobuf_output="dict").deserialize(message.value, message.headers)
    assert mapped.data == data


def test_a_dict_that_is_not_the_json_mapping_reports_every_violation(serializer):
    data = {
        "orderId": 5,
        "parcels": [{"trackingNumber": "T-1"}, {"weightGrams": "heavy"}],
        "labels": {"gift": 3},
        "carrier": None,
        "signedBy": "Ada",
    }
    with pytest.raises(EventValidationError) as raised:
        serializer.serialize(event("OrderShipped", data))
    assert {(violation.path, violation.rule) for violation in raised.value.violations} == {
        ("$.orderId", "type"),
        ("$.parcels[1].weightGrams", "type"),
        ("$.labels.gift", "type"),
        ("$.signedBy", "unknown_field"),
    }
    assert "has no field 'signedBy'" in str(raised.value)


def test_enum_names_and_integer_ranges_follow_the_json_mapping(serializer):
    with pytest.raises(EventValidationError) as raised:
        serializer.serialize(event("OrderCreated", {"status": "STATUS_LOST", "itemCount": 2**40}))
    assert {(violation.path, violation.rule) for violation in raised.value.violations} == {
        ("$.status", "enum"),
        ("$.itemCount", "range"),
    }


def test_buf_validate_rules_report_every_violation_with_its_path_on_publish(serializer):
    module = payments()
    payment = module.PaymentCaptured(
        payment_id="",
        currency="euro",
        amount_cents=100,
        refunded_cents=150,
        payer_email="not-an-address",
        splits=[module.PaymentCaptured.Split(account="acct-1", cents=1), module.PaymentCaptured.Split()],
        fees={"x": 1},
    )
    with pytest.raises(EventValidationError) as raised:
        serializer.serialize(event("PaymentCaptured", payment))
    assert {(violation.path, violation.rule) for violation in raised.value.violations} == {
        ("$", "refund_within_amount"),
        ("$.paymentId", "string.min_len"),
        ("$.currency", "string.pattern"),
        ("$.payerEmail", "string.email"),
        ("$.splits[1].account", "string.pattern"),
        ("$.splits[1].cents", "int64.gt"),
        ("$.fees.x", "string.min_len"),
    }
    by_path = {violation.path: violation for violation in raised.value.violations}
    assert by_path["$.currency"].value == "euro"
    assert by_path["$"].message == "refunded_cents must not exceed amount_cents"
    assert by_path["$.fees.x"].message.startswith("map key ")


def test_buf_validate_rules_apply_to_dicts_and_on_consume(serializer, registry):
    valid = serializer.serialize(event("PaymentCaptured", valid_payment()))
    consumer = EventDeserializer(registry, protobuf_classes=[payments().PaymentCaptured])
    assert consumer.deserialize(valid.value, valid.headers).data == valid_payment()
    with pytest.raises(EventValidationError, match=r"\$\.currency: .*\[string\.pattern\]"):
        serializer.serialize(event("PaymentCaptured", {"paymentId": "p-1", "currency": "eur"}))
    broken = payments().PaymentCaptured(payment_id="p-1", currency="eur", payer_email="ada@example.com")
    tampered = valid.value[:6] + broken.SerializeToString()
    with pytest.raises(InvalidMessageError) as raised:
        consumer.deserialize(tampered, valid.headers)
    assert [(violation.path, violation.rule) for violation in raised.value.violations] == [
        ("$.currency", "string.pattern")
    ]
    assert raised.value.raw == tampered


def test_a_batch_with_an_invalid_payment_sends_nothing(serializer):
    broken = payments().PaymentCaptured(
        payment_id="p-2", currency="EUR", amount_cents=-1, payer_email="ada@example.com"
    )
    with pytest.raises(BatchValidationError) as raised:
        serializer.serialize_batch(
            [event("PaymentCaptured", valid_payment()), event("PaymentCaptured", broken)]
        )
    assert list(raised.value.failures) == [1]
    assert {violation.path for violation in raised.value.failures[1].violations} == {"$", "$.amountCents"}


def _orders_file_without(message: str, field: str) -> Schema:
    """The orders file as registered by an older producer: `message` did not have `field` yet."""
    proto = descriptor_pb2.FileDescriptorProto.FromString(orders().DESCRIPTOR.serialized_pb)
    target = next(found for found in proto.message_type if found.name == message)
    kept = [declared for declared in target.field if declared.name != field]
    del target.field[:]
    target.field.extend(kept)
    text = base64.b64encode(proto.SerializeToString()).decode()
    return Schema(text, "PROTOBUF", (SchemaReference(ADDRESS_FILE, ADDRESS_FILE, 1),))


def test_fields_the_registered_message_lacks_are_violations_when_set(registry):
    address = orders().DESCRIPTOR.dependencies[0]
    registry.register_schema(
        ADDRESS_FILE, Schema(base64.b64encode(address.serialized_pb).decode(), "PROTOBUF")
    )
    registry.register_schema("OrderShipped", _orders_file_without("OrderShipped", "labels"))
    serializer = EventSerializer(registry)
    module = orders()
    without = serializer.serialize(event("OrderShipped", module.OrderShipped(order_id="o-1")))
    assert EventDeserializer(registry).deserialize(without.value, without.headers).data.order_id == "o-1"
    with pytest.raises(EventValidationError) as raised:
        serializer.serialize(
            event("OrderShipped", module.OrderShipped(order_id="o-1", labels={"gift": "yes"}))
        )
    [violation] = raised.value.violations
    assert (violation.path, violation.rule) == ("$", "unknown_field")
    assert "field number 4 is not a field of acme.orders.v1.OrderShipped" in violation.message


def test_a_message_the_schema_does_not_declare_is_refused(serializer):
    with pytest.raises(EventValidationError, match="PaymentCaptured is not a message of schema id"):
        serializer.serialize(event("OrderCreated", valid_payment()))
    with pytest.raises(EventValidationError, match="expected a Protobuf message or a dict"):
        serializer.serialize(event("OrderCreated", ["not", "a", "message"]))


@pytest.mark.parametrize(
    ("after_prefix", "reason"),
    [
        (b"", "ends before its Protobuf message indexes"),
        (b"\x02\x06", r"message indexes \[3\] name no message: schema id \d+ has 2 top-level"),
        (b"\x04\x02\x04", r"\[1, 2\] name no message: acme.orders.v1.OrderShipped has 2 nested"),
        (b"\x00\x0a\xff", "payload is not valid Protobuf"),
        (b"\x02\xff", "a message index at byte 6 is cut off"),
    ],
)
def test_malformed_protobuf_messages_say_what_is_wrong(serializer, registry, after_prefix, reason):
    framed = serializer.serialize(event("OrderCreated", order_created()))
    raw = framed.value[:5] + after_prefix
    with pytest.raises(MalformedMessageError, match=reason) as raised:
        EventDeserializer(registry).deserialize(raw, framed.headers)
    assert raised.value.raw == raw


def test_structured_mode_carries_the_framed_bytes_in_data_base64(registry):
    classes = {"OrderCreated": orders().OrderCreated}
    sent = event("OrderCreated", order_created())
    binary = EventSerializer(registry, schemas=classes, auto_register=True).serialize(sent)
    message = EventSerializer(registry, schemas=classes, mode="structured").serialize(sent)
    document = orjson.loads(message.value)
    assert document["datacontenttype"] == "application/protobuf"
    assert base64.b64decode(document["data_base64"]) == binary.value
    received = EventDeserializer(registry, protobuf_classes=[orders().OrderCreated]).deserialize(
        message.value, message.headers
    )
    assert received.data == order_created()
    del document["data_base64"]
    inline = orjson.dumps({**document, "data": {"orderId": "o"}})
    with pytest.raises(MalformedMessageError, match="Protobuf data belong in data_base64"):
        EventDeserializer(registry).deserialize(inline, message.headers)


def test_proto_text_in_the_in_memory_registry_cannot_be_served_as_descriptors():
    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", Schema('syntax = "proto3"; message OrderCreated {}', "PROTOBUF"))
    with pytest.raises(UnusableSchemaError, match=r"cannot compile \.proto text"):
        EventSerializer(registry).serialize(event("OrderCreated", {}))
    with pytest.raises(RegistryResponseError, match="register the base64 FileDescriptorProto"):
        registry.get_schema(1, format="serialized")


def test_an_import_that_is_neither_a_reference_nor_well_known_is_unusable(registry):
    registry.register_schema(
        "OrderCreated", Schema(base64.b64encode(orders().DESCRIPTOR.serialized_pb).decode(), "PROTOBUF")
    )
    with pytest.raises(
        UnusableSchemaError, match=f"imports '{ADDRESS_FILE}', which is neither among its references"
    ):
        EventSerializer(registry).serialize(event("OrderCreated", order_created()))
    raw = schema_prefix(1) + b"\x00" + order_created().SerializeToString()
    with pytest.raises(MalformedMessageError, match="cannot be used"):
        EventDeserializer(registry).deserialize(raw, {"ce_type": "OrderCreated"})


def test_the_in_memory_bus_records_protobuf_samples_in_the_json_mapping_and_dead_letters_garbage(registry):
    bus = InMemoryBus(registry, schemas={"OrderCreated": orders().OrderCreated}, auto_register=True)
    seen = []
    bus.subscribe(seen.append)
    bus.publish(event("OrderCreated", order_created()))
    assert seen[0].data.SerializeToString() == order_created().SerializeToString()
    assert bus.samples()[0]["data"] == json_format.MessageToDict(order_created())
    assert bus.samples()[0]["eventVersion"] == 1
    message = bus.messages[0][1]
    assert bus.receive(message.value[:6] + b"\xff", message.headers) is None
    assert "not valid Protobuf" in bus.dead_letters[0].headers["accord-dlq-reason"]


def test_buf_validate_rules_that_do_not_compile_make_the_schema_unusable(registry):
    refunds = generated("acme.payments.v1.refunds_pb2")
    serializer = EventSerializer(registry, schemas={"RefundIssued": refunds.RefundIssued}, auto_register=True)
    with pytest.raises(UnusableSchemaError, match=r"its buf\.validate rules do not compile"):
        serializer.serialize(event("RefundIssued", refunds.RefundIssued(refund_id="r-1")))
    schema_id = registry.get_latest_version("RefundIssued").schema_id
    raw = schema_prefix(schema_id) + b"\x00" + refunds.RefundIssued(refund_id="r-1").SerializeToString()
    with pytest.raises(MalformedMessageError, match="rules do not compile"):
        EventDeserializer(registry).deserialize(raw, {"ce_type": "RefundIssued"})
