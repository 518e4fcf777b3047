"""`accord serve` as users run it, driven by confluent-kafka's own SchemaRegistryClient and its Avro and
JSON Schema serializers: what Kafka producers and consumers do against a Confluent registry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError
from typer.testing import CliRunner

from registry.cli import app
from tests.registry.api.samples import USER_BREAKING, USER_V1, USER_V2
from tests.registry.test_migrations import ALL_TABLES, tables
from tests.support.databases import postgres_database
from tests.support.json_references import ADDRESS, CUSTOMER
from tests.support.servers import running_registry


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        with running_registry(f"sqlite:///{tmp_path / 'registry.db'}") as url:
            yield url
    else:
        with postgres_database("accord_cli") as database_url, running_registry(database_url) as url:
            yield url


@pytest.fixture
def client(registry_url: str) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": registry_url})


def test_register_read_lookup_and_versions(client: SchemaRegistryClient) -> None:
    schema_id = client.register_schema("users-value", Schema(USER_V1, "AVRO"))

    assert json.loads(client.get_schema(schema_id).schema_str) == json.loads(USER_V1)
    second = client.register_schema("users-value", Schema(USER_V2, "AVRO"))
    assert second != schema_id
    assert client.get_versions("users-value") == [1, 2]
    latest = client.get_latest_version("users-value")
    assert (latest.version, latest.schema_id) == (2, second)
    assert client.get_version("users-value", 1).schema_id == schema_id
    assert client.lookup_schema("users-value", Schema(USER_V1, "AVRO")).version == 1
    assert client.get_subjects() == ["users-value"]
    assert client.get_schema_types() == ["AVRO"] or "AVRO" in client.get_schema_types()


def test_compatibility_and_config(client: SchemaRegistryClient) -> None:
    client.register_schema("users-value", Schema(USER_V1, "AVRO"))

    assert client.test_compatibility("users-value", Schema(USER_V2, "AVRO")) is True
    assert client.test_compatibility("users-value", Schema(USER_BREAKING, "AVRO")) is False
    with pytest.raises(SchemaRegistryError) as refused:
        client.register_schema("users-value", Schema(USER_BREAKING, "AVRO"))
    assert (refused.value.http_status_code, refused.value.error_code) == (409, 409)
    assert client.get_compatibility() == "BACKWARD"
    client.set_compatibility("users-value", "NONE")
    assert client.get_compatibility("users-value") == "NONE"
    assert client.register_schema("users-value", Schema(USER_BREAKING, "AVRO")) > 0


def test_delete_versions_and_subjects(client: SchemaRegistryClient) -> None:
    client.register_schema("users-value", Schema(USER_V1, "AVRO"))
    client.register_schema("users-value", Schema(USER_V2, "AVRO"))

    assert client.delete_version("users-value", 2) == 2
    assert client.get_versions("users-value") == [1]
    assert client.delete_subject("users-value") == [1]
    assert client.delete_subject("users-value", permanent=True) == [1, 2]
    with pytest.raises(SchemaRegistryError) as missing:
        client.get_versions("users-value")
    assert missing.value.error_code == 40401


def test_avro_serializer_and_deserializer_round_trip(client: SchemaRegistryClient, registry_url: str) -> None:
    serializer = AvroSerializer(client, USER_V2)
    context = SerializationContext("users", MessageField.VALUE)
    user = {"id": 42, "email": "ada@example.com"}

    payload = serializer(user, context)

    assert payload is not None
    assert payload[0] == 0  # Confluent's wire format: magic byte, then the 4-byte schema id
    schema_id = int.from_bytes(payload[1:5], "big")
    assert schema_id == client.get_latest_version("users-value").schema_id
    # A consumer with its own client finds the writer schema by id in the registry.
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    assert deserializer(payload, context) == user


USER_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "User",
    "type": "object",
    "properties": {"id": {"type": "integer"}, "email": {"type": "string"}},
    "required": ["id"],
}
USER_JSON_WITH_ANY_NOTE = {**USER_JSON, "properties": {**USER_JSON["properties"], "note": {}}}
USER_JSON_ID_AS_STRING = {**USER_JSON, "properties": {**USER_JSON["properties"], "id": {"type": "string"}}}


def json_schema(document: dict, *references: SchemaReference) -> Schema:
    return Schema(json.dumps(document), "JSON", list(references))


def test_json_schemas_through_confluents_client(client: SchemaRegistryClient) -> None:
    schema_id = client.register_schema("users-json", json_schema(USER_JSON))

    fetched = client.get_schema(schema_id)
    assert (fetched.schema_type, json.loads(fetched.schema_str)) == ("JSON", USER_JSON)
    assert client.get_schema_types() == ["AVRO", "JSON", "PROTOBUF"]
    assert client.lookup_schema("users-json", json_schema(USER_JSON)).version == 1
    assert client.test_compatibility("users-json", json_schema(USER_JSON_WITH_ANY_NOTE)) is True
    assert client.test_compatibility("users-json", json_schema(USER_JSON_ID_AS_STRING)) is False
    with pytest.raises(SchemaRegistryError) as refused:
        client.register_schema("users-json", json_schema(USER_JSON_ID_AS_STRING))
    assert (refused.value.http_status_code, refused.value.error_code) == (409, 409)
    assert "TYPE_CHANGED" in refused.value.error_message
    second = client.register_schema("users-json", json_schema(USER_JSON_WITH_ANY_NOTE))
    latest = client.get_latest_version("users-json")
    assert (latest.version, latest.schema_id, latest.schema.schema_type) == (2, second, "JSON")
    with pytest.raises(SchemaRegistryError) as invalid:
        client.register_schema("users-json", Schema('{"type": 12}', "JSON"))
    assert (invalid.value.error_code, "metaschema" in invalid.value.error_message) == (42201, True)


def test_json_serializer_and_deserializer_round_trip(client: SchemaRegistryClient, registry_url: str) -> None:
    serializer = JSONSerializer(json.dumps(USER_JSON), client)
    context = SerializationContext("users", MessageField.VALUE)
    user = {"id": 7, "email": "ada@example.com"}

    payload = serializer(user, context)

    assert payload is not None
    assert payload[0] == 0
    schema_id = int.from_bytes(payload[1:5], "big")
    assert schema_id == client.get_latest_version("users-value").schema_id
    assert client.get_schema(schema_id).schema_type == "JSON"
    deserializer = JSONDeserializer(None, schema_registry_client=SchemaRegistryClient({"url": registry_url}))
    assert deserializer(payload, context) == user
    with pytest.raises(SerializationError, match="'id' is a required property"):
        serializer({"email": "ada@example.com"}, context)


def test_json_serializer_follows_references_registered_by_name(
    client: SchemaRegistryClient, registry_url: str
) -> None:
    client.register_schema("address", json_schema(ADDRESS))
    schema = json_schema(CUSTOMER, SchemaReference("address.json", "address", 1))
    serializer = JSONSerializer(schema, client)
    context = SerializationContext("customers", MessageField.VALUE)
    value = {"home": {"city": "London"}, "zip": "12345"}

    payload = serializer(value, context)

    registered = client.get_latest_version("customers-value")
    assert payload is not None
    assert int.from_bytes(payload[1:5], "big") == registered.schema_id
    assert [(ref.name, ref.subject, ref.version) for ref in registered.schema.references] == [
        ("address.json", "address", 1)
    ]
    deserializer = JSONDeserializer(None, schema_registry_client=SchemaRegistryClient({"url": registry_url}))
    assert deserializer(payload, context) == value
    with pytest.raises(SerializationError, match="does not match"):
        serializer({"home": {"city": "London"}, "zip": "E1 6AN"}, context)


def test_migrate_creates_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    result = CliRunner().invoke(app, ["migrate", "--database-url", url])

    assert result.exit_code == 0, result.output
    assert "latest revision" in result.output
    assert tables(url) == ALL_TABLES
