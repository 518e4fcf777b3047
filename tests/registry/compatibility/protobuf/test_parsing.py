"""Compiling with protoc: the syntaxes it accepts, imports from references and bundled files, base64
descriptors as Confluent's Python serializer registers them, and protoc's errors as data."""

from __future__ import annotations

import base64
import threading

import pytest
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2

from registry.compatibility import ResolvedReference, SchemaParseError, SchemaType
from registry.compatibility.protobuf import CompilerDiagnostic, ProtobufCompileError, parse_protobuf
from tests.registry.compatibility.protobuf.support import message_class

ADDRESS = 'syntax = "proto3";\npackage acme.common;\n\nmessage Address {\n  string street = 1;\n}\n'
ORDER = (
    'syntax = "proto3";\npackage acme;\n\nimport "acme/common/address.proto";\n'
    'import "google/protobuf/timestamp.proto";\n\n'
    "message Order {\n  string id = 1;\n  .acme.common.Address ship_to = 2;\n"
    "  .google.protobuf.Timestamp at = 3;\n}\n"
)


def reference(name, text, *, version=1, schema_type=SchemaType.PROTOBUF):
    return ResolvedReference(name, name, version, schema_type, text)


def test_proto3_with_a_reference_and_a_well_known_import():
    schema = parse_protobuf(ORDER, [reference("acme/common/address.proto", ADDRESS)])

    assert schema.canonical == ORDER
    assert [message.name for message in schema.messages] == ["acme.Order"]
    order = schema.pool.FindMessageTypeByName("acme.Order")
    assert order.fields_by_name["at"].message_type.full_name == "google.protobuf.Timestamp"


def test_proto2_with_groups_defaults_extensions_and_required_fields():
    text = (
        'syntax = "proto2";\npackage legacy;\n\nmessage Order {\n'
        "  required string id = 1;\n  optional int32 quantity = 2 [default = 7];\n"
        '  optional string note = 3 [default = "n/a \\"quoted\\""];\n'
        "  repeated group Line = 4 {\n    required string sku = 5;\n  }\n  extensions 100 to max;\n}\n\n"
        "extend .legacy.Order {\n  optional string channel = 100;\n}\n"
    )
    schema = parse_protobuf(text)

    assert schema.canonical == text
    order = schema.pool.FindMessageTypeByName("legacy.Order")
    assert order.fields_by_name["id"].is_required
    assert order.fields_by_name["quantity"].default_value == 7
    assert order.fields_by_name["note"].default_value == 'n/a "quoted"'


@pytest.mark.parametrize("edition", ["2023", "2024"])
def test_editions(edition):
    text = (
        f'edition = "{edition}";\npackage acme;\n\n'
        "message Order {\n  string id = 1 [features = { field_presence: LEGACY_REQUIRED }];\n"
        "  .acme.Order.Line line = 2 [features = { message_encoding: DELIMITED }];\n"
        "  message Line {\n    string sku = 1;\n  }\n}\n"
    )
    schema = parse_protobuf(text)

    assert schema.canonical == text
    assert schema.shape.syntax == f"edition {edition}"
    fields = schema.shape.messages["Order"].fields
    assert fields[1].required
    assert fields[2].kind == "group"


def test_a_file_without_syntax_is_proto2_and_protoc_logs_nothing(capfd):
    schema = parse_protobuf("message Order {\n  optional string id = 1;\n}\n")

    assert schema.canonical.startswith('syntax = "proto2";\n')
    assert capfd.readouterr().err == ""


def test_confluent_files_resolve_without_references():
    text = (
        'syntax = "proto3";\npackage acme;\n\n'
        'import "confluent/meta.proto";\nimport "confluent/type/decimal.proto";\n\n'
        "message Payment {\n"
        '  .confluent.type.Decimal amount = 1 [(.confluent.field_meta) = { doc: "in EUR" tags: "PII" }];\n}\n'
    )
    schema = parse_protobuf(text)

    assert schema.canonical == text
    decimal = schema.pool.FindMessageTypeByName("confluent.type.Decimal")
    assert [(field.name, field.number) for field in decimal.fields] == [
        ("value", 1),
        ("precision", 2),
        ("scale", 3),
    ]


def test_what_confluents_python_serializer_registers_parses_to_the_same_schema():
    """The serializer registers base64 FileDescriptorProtos (`_schema_to_str`), and each import that is not
    built in as a subject named by its import path."""
    address = reference("acme/common/address.proto", ADDRESS)
    schema = parse_protobuf(ORDER, [address])
    order_class = message_class(schema, "acme.Order")
    registry = MockSchemaRegistryClient({"url": "mock://"})
    serializer = ProtobufSerializer(order_class, registry, {"use.deprecated.format": False})

    serializer(order_class(id="o-1"), SerializationContext("orders", MessageField.VALUE))

    registered = registry.get_latest_version("orders-value").schema
    references = [
        reference(found.name, registry.get_version(found.subject, found.version).schema.schema_str)
        for found in registered.references
    ]
    assert [found.name for found in references] == ["acme/common/address.proto"]
    assert base64.b64decode(registered.schema_str, validate=True)
    assert parse_protobuf(registered.schema_str, references).canonical == schema.canonical


def test_a_base64_descriptor_with_custom_options_is_printed_with_their_names():
    text = (
        'syntax = "proto3";\npackage acme;\n\nimport "google/protobuf/descriptor.proto";\n\n'
        'message Order {\n  option (.acme.table) = "orders";\n  string id = 1;\n}\n\n'
        "extend .google.protobuf.MessageOptions {\n  string table = 50001;\n}\n"
    )
    serialized = parse_protobuf(text).serialized

    assert parse_protobuf(serialized).canonical == text


def test_a_base64_reference_is_imported_by_a_text_schema():
    serialized_address = parse_protobuf(ADDRESS).serialized

    schema = parse_protobuf(ORDER, [reference("acme/common/address.proto", serialized_address)])

    assert schema.canonical == ORDER


def test_a_diamond_of_references_counts_each_once():
    base = reference(
        "acme/base.proto", 'syntax = "proto3";\npackage acme;\nmessage Money { int64 cents = 1; }\n'
    )
    left = reference(
        "acme/left.proto",
        'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nmessage Left { Money m = 1; }\n',
    )
    right = reference(
        "acme/right.proto",
        'syntax = "proto3";\npackage acme;\nimport "acme/base.proto";\nmessage Right { Money m = 1; }\n',
    )
    text = (
        'syntax = "proto3";\npackage acme;\nimport "acme/left.proto";\nimport "acme/right.proto";\n'
        "message Both { Left l = 1; Right r = 2; }\n"
    )

    schema = parse_protobuf(text, [base, left, base, right])

    assert [message.name for message in schema.messages] == ["acme.Both"]


def test_protoc_errors_are_data_with_one_based_lines_and_columns():
    text = 'syntax = "proto3";\nmessage Order {\n  strin id = 1;\n  int32 qty = 1;\n}\n'

    with pytest.raises(ProtobufCompileError) as raised:
        parse_protobuf(text)

    assert raised.value.diagnostics == (
        CompilerDiagnostic("default", 3, 3, '"strin" is not defined.'),
        CompilerDiagnostic(
            "default",
            4,
            15,
            'Field number 1 has already been used in "Order" by field "id". '
            "Next available field number is 2.",
        ),
    )
    assert str(raised.value).startswith(
        'Invalid Protobuf schema: line 3, column 3: "strin" is not defined.; line 4'
    )
    assert isinstance(raised.value, SchemaParseError)


def test_columns_on_the_first_line_of_a_file_without_syntax_are_protocs():
    with pytest.raises(ProtobufCompileError) as raised:
        parse_protobuf("message Order { optional strin id = 1; }")

    assert raised.value.diagnostics == (CompilerDiagnostic("default", 1, 26, '"strin" is not defined.'),)


def test_an_error_in_a_reference_names_the_reference():
    with pytest.raises(ProtobufCompileError) as raised:
        parse_protobuf(
            ORDER, [reference("acme/common/address.proto", 'syntax = "proto3";\nmessage Address {')]
        )

    first = raised.value.diagnostics[0]
    assert (first.file, first.line) == ("acme/common/address.proto", 2)
    assert str(raised.value).startswith(
        "Invalid Protobuf schema: in reference 'acme/common/address.proto', line 2"
    )


def test_an_import_without_a_reference_says_how_to_provide_it():
    with pytest.raises(ProtobufCompileError) as raised:
        parse_protobuf(ORDER)

    message = str(raised.value)
    assert 'Import "acme/common/address.proto" was not found' in message
    assert 'list it in the schema\'s references with the name "acme/common/address.proto"' in message


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "/abs.proto", "a//b.proto", "a\\b.proto", "./a.proto", "default"]
)
def test_reference_names_must_be_relative_import_paths(name):
    with pytest.raises(SchemaParseError, match="a reference's name is the path its schema is imported by"):
        parse_protobuf(ORDER, [reference(name, ADDRESS)])


def test_a_reference_of_another_schema_type_is_refused():
    with pytest.raises(
        SchemaParseError, match="is a AVRO schema; a Protobuf schema can only import Protobuf"
    ):
        parse_protobuf(ORDER, [reference("acme/common/address.proto", "{}", schema_type=SchemaType.AVRO)])


def test_a_base64_descriptor_that_does_not_build_says_why():
    broken = parse_protobuf(ORDER, [reference("acme/common/address.proto", ADDRESS)]).descriptor_proto
    broken.message_type[0].field[1].type_name = ".acme.Missing"
    text = base64.b64encode(broken.SerializeToString()).decode()

    with pytest.raises(SchemaParseError, match="the FileDescriptorProto does not build"):
        parse_protobuf(text, [reference("acme/common/address.proto", ADDRESS)])


def test_a_base64_descriptor_importing_an_unknown_file_names_it():
    text = parse_protobuf(ORDER, [reference("acme/common/address.proto", ADDRESS)]).serialized

    expected = r'it imports "acme/common/address\.proto", which is neither'
    with pytest.raises(SchemaParseError, match=expected):
        parse_protobuf(text)


def test_compiling_is_safe_from_many_threads():
    texts = {
        index: f'syntax = "proto3";\npackage t{index};\n\nmessage M{index} {{\n  int32 f = {index + 1};\n}}\n'
        for index in range(16)
    }
    broken = {index: f"message Broken{index} {{ optional strin x = 1; }}" for index in range(16)}
    results: dict[str, object] = {}

    def work(index: int) -> None:
        for _ in range(5):
            results[f"ok{index}"] = parse_protobuf(texts[index]).canonical
            try:
                parse_protobuf(broken[index])
            except ProtobufCompileError as error:
                results[f"error{index}"] = error.diagnostics

    threads = [threading.Thread(target=work, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for index in range(16):
        assert results[f"ok{index}"] == texts[index]
        column = broken[index].index("strin") + 1
        assert results[f"error{index}"] == (
            CompilerDiagnostic("default", 1, column, '"strin" is not defined.'),
        )


def deeply_nested(levels: int) -> str:
    file = descriptor_pb2.FileDescriptorProto(name="deep.proto", syntax="proto3")
    message = file.message_type.add(name="M0")
    for level in range(1, levels):
        message = message.nested_type.add(name=f"M{level}")
    return base64.b64encode(file.SerializeToString()).decode()


def test_a_descriptor_nested_deeper_than_protoc_allows_is_refused():
    with pytest.raises(SchemaParseError, match="nests messages 33 levels deep; protoc allows 32"):
        parse_protobuf(deeply_nested(50))


def test_base64_that_is_no_file_descriptor_says_so():
    with pytest.raises(SchemaParseError, match="the text is base64, but not of a FileDescriptorProto"):
        parse_protobuf(deeply_nested(2000))  # deeper than protobuf's decoder goes
    with pytest.raises(SchemaParseError, match="the text is base64, but not of a FileDescriptorProto"):
        parse_protobuf(base64.b64encode(b"\xff\xff\xff").decode())


def test_a_comment_alone_is_an_empty_proto_file_not_base64():
    assert parse_protobuf("//abc").messages == ()


def test_a_file_with_many_errors_shows_the_first_twenty():
    text = (
        'syntax = "proto3";\nmessage M {\n' + "".join(f"  strin f{n} = {n};\n" for n in range(1, 31)) + "}\n"
    )

    with pytest.raises(ProtobufCompileError) as raised:
        parse_protobuf(text)

    assert len(raised.value.diagnostics) == 30
    assert str(raised.value).endswith("(and 10 more errors)")


def test_a_byte_order_mark_is_ignored():
    assert (
        parse_protobuf('\ufeffsyntax = "proto3";\nmessage M {}\n').canonical
        == 'syntax = "proto3";\n\nmessage M {}\n'
    )
