"""`accord serve` as users run it, driven by confluent-kafka's own SchemaRegistryClient and Avro
serializers: what Kafka producers and consumers do against a Confluent registry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext
from typer.testing import CliRunner

from registry.cli import app
from tests.registry.api.samples import USER_BREAKING, USER_V1, USER_V2
from tests.registry.test_migrations import ALL_TABLES, tables
from tests.support.databases import postgres_database
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


def test_migrate_creates_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    result = CliRunner().invoke(app, ["migrate", "--database-url", url])

    assert result.exit_code == 0, result.output
    assert "latest revision" in result.output
    assert tables(url) == ALL_TABLES
