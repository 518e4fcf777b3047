"""The forms of a schema: canonical text, normalized text, Confluent's `serialized` and
`ignore_extensions` formats, message indexes and data paths."""

from __future__ import annotations

import base64

from google.protobuf import descriptor_pb2

from registry.compatibility.protobuf import MessageIndex, parse_protobuf

RICH = """// An order, with everything the printer has to get right.
syntax = "proto2";
package acme.orders;

import public "google/protobuf/timestamp.proto";
import "google/protobuf/descriptor.proto";
import "confluent/meta.proto";

option java_package = "com.acme.orders";
option (confluent.file_meta) = { doc: "orders" };

extend google.protobuf.FieldOptions { optional string pii = 50001; }

/* the order */
message Order {
  option (confluent.message_meta) = { tags: ["a", "b"] };
  required string id = 1 [(pii) = "id", json_name = "orderId"];
  optional double total = 2 [default = -inf];
  optional bytes blob = 3 [default = "\\001\\377"];
  optional Status status = 4 [default = OPEN, deprecated = true];
  map<string, Line> lines = 5;
  oneof payment {
    string card = 6;
    group Wire = 7 { optional string iban = 8; }
  }
  repeated int32 codes = 9 [packed = true];
  enum Status {
    option allow_alias = true;
    UNKNOWN = 0; OPEN = 1; ACTIVE = 1;
    reserved 5 to max; reserved "OLD";
  }
  message Line { optional string sku = 1; optional .google.protobuf.Timestamp at = 2; }
  extensions 100 to 199, 300;
  extend Order { optional int32 priority = 150; }
  reserved 10, 20 to 29;
  reserved "legacy";
}

service Orders {
  rpc Place(Order) returns (stream Order) { option idempotency_level = IDEMPOTENT; }
  rpc Cancel(stream Order) returns (Order);
}
"""


def test_canonical_text_compiles_back_to_the_same_descriptor():
    schema = parse_protobuf(RICH)
    again = parse_protobuf(schema.canonical)

    assert again.canonical == schema.canonical
    assert again.descriptor_proto == schema.descriptor_proto
    assert "// An order" not in schema.canonical


def test_canonical_text_spells_the_file_out():
    canonical = parse_protobuf(RICH).canonical

    assert 'import public "google/protobuf/timestamp.proto";' in canonical
    assert 'option (.confluent.file_meta) = { doc: "orders" };' in canonical
    assert 'required string id = 1 [json_name = "orderId", (.acme.orders.pii) = "id"];' in canonical
    assert 'optional bytes blob = 3 [default = "\\001\\377"];' in canonical
    assert "map<string, .acme.orders.Order.Line> lines = 5;" in canonical
    assert "    group Wire = 7 {\n      optional string iban = 8;\n    }" in canonical
    assert "extensions 100 to 199;\n  extensions 300;" in canonical
    assert "reserved 5 to max;" in canonical
    assert "rpc Cancel(stream .acme.orders.Order) returns (.acme.orders.Order);" in canonical


def test_the_same_schema_written_differently_normalizes_to_one_text():
    first = """syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
message Order {
  string id = 1 [deprecated = true, json_name = "id"];
  google.protobuf.Timestamp at = 3;
  google.protobuf.Duration took = 2;
  reserved 9, 7;
}
"""
    second = """// the same order
syntax = "proto3";
package acme;

import "google/protobuf/duration.proto";   // imports swapped
import "google/protobuf/timestamp.proto";

message Order {
  reserved 7, 9;
  .google.protobuf.Duration took = 2;
  string id = 1 [json_name = "id", deprecated = true];
  .google.protobuf.Timestamp at = 3;
}
"""
    one, other = parse_protobuf(first), parse_protobuf(second)

    assert one.canonical != other.canonical
    assert one.normalized == other.normalized
    assert parse_protobuf(one.normalized).normalized == one.normalized


def test_message_order_is_kept_by_normalization_because_it_is_on_the_wire():
    first = parse_protobuf('syntax = "proto3";\nmessage A {}\nmessage B {}\n')
    second = parse_protobuf('syntax = "proto3";\nmessage B {}\nmessage A {}\n')

    assert first.normalized != second.normalized


def test_serialized_is_the_base64_file_descriptor():
    schema = parse_protobuf(RICH)

    decoded = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(schema.serialized))
    assert decoded == schema.descriptor_proto
    assert parse_protobuf(schema.serialized).canonical == schema.canonical


def test_without_extensions_leaves_out_custom_options_and_extend_blocks():
    schema = parse_protobuf(RICH)
    text = schema.without_extensions

    assert "(.confluent" not in text
    assert "(.acme.orders.pii)" not in text
    assert "extend" not in text
    assert "json_name" in text
    assert "deprecated = true" in text
    assert "extensions 100 to 199;" in text  # the ranges are part of the message
    assert parse_protobuf(text).messages == schema.messages


def test_message_indexes_count_nested_types_as_the_descriptor_orders_them():
    schema = parse_protobuf(
        'syntax = "proto3";\npackage acme;\n'
        "message Order { map<string, int32> counts = 1; message Line { message Part {} } message Note {} }\n"
        "message Refund {}\n"
    )

    # The map's entry type is nested type 0 of Order: it is never a record's message, but it counts.
    assert schema.messages == (
        MessageIndex("acme.Order", (0,)),
        MessageIndex("acme.Order.Line", (0, 1)),
        MessageIndex("acme.Order.Line.Part", (0, 1, 0)),
        MessageIndex("acme.Order.Note", (0, 2)),
        MessageIndex("acme.Refund", (1,)),
    )
    assert schema.message_indexes("acme.Order.Note") == (0, 2)
    assert schema.message_name([1]) == "acme.Refund"
    assert schema.message_name([]) == "acme.Order"


def test_data_paths_follow_the_json_mapping():
    schema = parse_protobuf(
        'syntax = "proto3";\npackage acme;\n'
        "message Order { repeated Line line_items = 1; Line first_line = 2;\n"
        "  message Line { string sku_code = 1; } }\n"
        "message Refund { string order_id = 1; }\n"
    )

    assert schema.data_path("#/Order/1") == "$.lineItems"
    assert schema.data_path("#/Order/Line/1") == "$.lineItems[*].skuCode"
    assert schema.data_path("#/Refund/1") == "$.orderId"
    assert schema.data_path("#/Order") == "$"
    assert schema.data_path("#/") == "$"
    assert schema.data_path("#/Order/99") == "$"
