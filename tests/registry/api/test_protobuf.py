"""Protobuf through Confluent's API, on SQLite and PostgreSQL: register with imports as references (a
subject named by its import path, sent with an encoded `/`), well-known and Confluent imports without
references, lookup of the base64 FileDescriptorProto Confluent's serializers send, compatibility,
normalization, the `serialized` and `ignore_extensions` formats, references, deletion and IMPORT mode."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from google.protobuf import descriptor_pb2

from registry.compatibility import ResolvedReference, SchemaType
from registry.compatibility.protobuf import parse_protobuf
from tests.registry.api.test_subjects import error_of

ADDRESS_PATH = "acme/common/address.proto"
ADDRESS_SUBJECT = "acme%2Fcommon%2Faddress.proto"  # the subject named by its import path, in a URL
ADDRESS = 'syntax = "proto3";\npackage acme.common;\n\nmessage Address {\n  string street = 1;\n}\n'
ORDER = """syntax = "proto3";
package acme;

import "acme/common/address.proto";
import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  acme.common.Address ship_to = 2;
  google.protobuf.Timestamp placed_at = 3;
}

message Refund {
  string order_id = 1;
}
"""
ADDRESS_REFERENCE = {"name": ADDRESS_PATH, "subject": ADDRESS_PATH, "version": 1}


def proto(text: str, references: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {"schema": text, "schemaType": "PROTOBUF", "references": references or []}


def register_order(client: TestClient) -> int:
    address = client.post(f"/subjects/{ADDRESS_SUBJECT}/versions", json=proto(ADDRESS))
    assert address.status_code == 200, address.text
    order = client.post("/subjects/orders-value/versions", json=proto(ORDER, [ADDRESS_REFERENCE]))
    assert order.status_code == 200, order.text
    schema_id: int = order.json()["id"]
    return schema_id


def test_a_schema_with_imports_registers_and_reads_back(client: TestClient) -> None:
    schema_id = register_order(client)

    version = client.get("/subjects/orders-value/versions/1").json()
    assert (version["id"], version["schemaType"], version["references"]) == (
        schema_id,
        "PROTOBUF",
        [ADDRESS_REFERENCE],
    )
    assert 'import "google/protobuf/timestamp.proto";' in version["schema"]
    assert "message Refund {" in version["schema"]
    assert client.get(f"/schemas/ids/{schema_id}").json()["schemaType"] == "PROTOBUF"
    assert client.get(f"/schemas/ids/{schema_id}/schema").text == version["schema"]
    assert client.get(f"/subjects/{ADDRESS_SUBJECT}/versions/1/referencedby").json() == [schema_id]
    assert client.get("/subjects").json() == [ADDRESS_PATH, "orders-value"]


def test_an_import_that_is_not_a_reference_is_42201_naming_it(client: TestClient) -> None:
    refused = client.post("/subjects/orders-value/versions", json=proto(ORDER))

    assert error_of(refused) == (422, 42201)
    assert ADDRESS_PATH in refused.json()["message"]


def test_invalid_proto_is_42201_with_protocs_line_and_column(client: TestClient) -> None:
    refused = client.post(
        "/subjects/bad/versions", json=proto('syntax = "proto3";\nmessage A {\n  strin x = 1;\n}\n')
    )

    assert error_of(refused) == (422, 42201)
    assert refused.json()["message"] == 'Invalid Protobuf schema: line 3, column 3: "strin" is not defined.'


def test_what_confluents_serializer_sends_is_found_by_lookup(client: TestClient) -> None:
    schema_id = register_order(client)
    serialized = parse_protobuf(ORDER, _resolved_address()).serialized  # a base64 FileDescriptorProto

    found = client.post("/subjects/orders-value", json=proto(serialized, [ADDRESS_REFERENCE]))
    again = client.post("/subjects/orders-value/versions", json=proto(serialized, [ADDRESS_REFERENCE]))

    assert found.status_code == 200, found.text
    assert (found.json()["id"], found.json()["version"]) == (schema_id, 1)
    assert again.json() == {"id": schema_id}


def test_serialized_format_is_the_base64_file_descriptor(client: TestClient) -> None:
    schema_id = register_order(client)

    by_id = client.get(f"/schemas/ids/{schema_id}?format=serialized").json()
    by_version = client.get("/subjects/orders-value/versions/latest?format=serialized").json()

    assert by_version["schema"] == by_id["schema"]
    assert by_version["references"] == [ADDRESS_REFERENCE]
    file = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(by_id["schema"]))
    assert [message.name for message in file.message_type] == ["Order", "Refund"]
    assert list(file.dependency) == [ADDRESS_PATH, "google/protobuf/timestamp.proto"]
    assert client.get("/subjects/orders-value/versions/1/schema?format=serialized").text == by_id["schema"]
    refused = client.get(f"/schemas/ids/{schema_id}?format=resolved")
    assert error_of(refused) == (422, 422)
    assert refused.json()["message"] == (
        "Format 'resolved' is not supported for PROTOBUF schemas; "
        "the formats are 'default', 'serialized' and 'ignore_extensions'"
    )


def test_ignore_extensions_leaves_out_custom_options(client: TestClient) -> None:
    text = (
        'syntax = "proto3";\npackage acme;\nimport "confluent/meta.proto";\n'
        'message Tagged {\n  string id = 1 [(confluent.field_meta).doc = "the id"];\n}\n'
    )
    schema_id = client.post("/subjects/tagged/versions", json=proto(text)).json()["id"]

    plain = client.get(f"/schemas/ids/{schema_id}?format=ignore_extensions").json()["schema"]

    assert "confluent.field_meta" in client.get(f"/schemas/ids/{schema_id}").json()["schema"]
    assert "string id = 1;" in plain
    assert "field_meta" not in plain


def test_normalize_gives_the_same_id_to_the_same_schema_written_differently(client: TestClient) -> None:
    compact = 'syntax="proto3"; package acme; message X { int32 b = 2; string a = 1; }'
    spread = (
        'syntax = "proto3";\npackage acme;\n// a comment\nmessage X {\n  string a = 1;\n  int32 b = 2;\n}\n'
    )

    first = client.post("/subjects/x/versions?normalize=true", json=proto(compact)).json()
    second = client.post("/subjects/x/versions?normalize=true", json=proto(spread)).json()

    assert first == second
    assert client.get("/subjects/x/versions").json() == [1]


def test_an_incompatible_change_is_refused_with_409_and_explained(client: TestClient) -> None:
    register_order(client)
    changed = ORDER.replace("string id = 1;", "int64 id = 1;")

    check = client.post(
        "/compatibility/subjects/orders-value/versions/latest?verbose=true",
        json=proto(changed, [ADDRESS_REFERENCE]),
    ).json()
    refused = client.post("/subjects/orders-value/versions", json=proto(changed, [ADDRESS_REFERENCE]))
    added = ORDER.replace("  string order_id = 1;\n", "  string order_id = 1;\n  string reason = 2;\n")
    accepted = client.post("/subjects/orders-value/versions", json=proto(added, [ADDRESS_REFERENCE]))

    assert check["is_compatible"] is False
    assert "FIELD_SCALAR_KIND_CHANGED" in check["messages"][0]
    assert "#/Order/1" in check["messages"][0]
    assert error_of(refused) == (409, 409)
    assert accepted.status_code == 200, accepted.text
    assert client.get("/subjects/orders-value/versions").json() == [1, 2]


def test_a_referenced_subject_cannot_be_deleted_until_its_user_is(client: TestClient) -> None:
    register_order(client)

    refused = client.delete(f"/subjects/{ADDRESS_SUBJECT}/versions/1")
    assert error_of(refused) == (422, 42206)
    assert client.delete("/subjects/orders-value").json() == [1]
    assert client.delete("/subjects/orders-value?permanent=true").json() == [1]
    assert client.delete(f"/subjects/{ADDRESS_SUBJECT}").json() == [1]
    assert client.get("/subjects").json() == []


def test_import_mode_keeps_the_given_id(client: TestClient) -> None:
    assert client.put("/mode", json={"mode": "IMPORT"}).status_code == 200

    imported = client.post("/subjects/imported/versions", json={**proto(ADDRESS), "id": 4242, "version": 3})

    assert imported.json() == {"id": 4242}
    assert client.get("/subjects/imported/versions/3").json()["schemaType"] == "PROTOBUF"
    assert "message Address" in client.get("/schemas/ids/4242").json()["schema"]


def _resolved_address() -> list[ResolvedReference]:
    return [ResolvedReference(ADDRESS_PATH, ADDRESS_PATH, 1, SchemaType.PROTOBUF, ADDRESS)]
