"""confluent-kafka's SchemaRegistryClient and serializers against `accord serve` with authentication on:
HTTP Basic (`basic.auth.user.info`) and a static bearer token, and credentials changed while it runs."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from tests.registry.api.samples import ORDER
from tests.support.credentials import CredentialsBuilder
from tests.support.databases import copy_sqlite
from tests.support.servers import ACCORD, running_registry

CREDENTIALS = (
    CredentialsBuilder()
    .user("producer", "producer-password", ("writer", ["orders-*"]))
    .key("consumer", ("reader", ["orders-*"]))
)


@pytest.fixture(scope="module")
def secured_registry(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: str
) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("confluent-auth")
    auth_file = directory / "users.toml"
    auth_file.write_text(CREDENTIALS.toml())
    with running_registry(
        copy_sqlite(sqlite_template, directory), env={"ACCORD_AUTH_FILE": str(auth_file)}
    ) as url:
        yield url, auth_file


def basic_client(url: str, user_info: str) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": url, "basic.auth.user.info": user_info})


def test_basic_auth_registers_and_a_bearer_token_reads(secured_registry: tuple[str, Path]) -> None:
    url, _ = secured_registry
    producer = basic_client(url, "producer:producer-password")
    consumer = SchemaRegistryClient(
        {
            "url": url,
            "bearer.auth.credentials.source": "STATIC_TOKEN",
            "bearer.auth.token": CREDENTIALS.tokens["consumer"],
            "bearer.auth.logical.cluster": "accord",
        }
    )
    serializer = AvroSerializer(producer, ORDER)
    deserializer = AvroDeserializer(consumer)
    context = SerializationContext("orders", MessageField.VALUE)
    encoded = serializer({"total": 12.5}, context)
    assert deserializer(encoded, context) == {"total": 12.5}
    assert consumer.get_latest_version("orders-value").version == 1

    with pytest.raises(SchemaRegistryError) as denied:
        consumer.register_schema("orders-value", Schema(ORDER, "AVRO"))
    assert (denied.value.http_status_code, denied.value.error_code) == (403, 40301)
    with pytest.raises(SchemaRegistryError) as hidden:
        producer.get_latest_version("payments-value")
    assert (hidden.value.http_status_code, hidden.value.error_code) == (404, 40401)
    with pytest.raises(SchemaRegistryError) as wrong:
        basic_client(url, "producer:guessed").get_subjects()
    assert (wrong.value.http_status_code, wrong.value.error_code) == (401, 40101)


def test_a_user_added_while_the_registry_runs_can_log_in_without_a_restart(
    secured_registry: tuple[str, Path],
) -> None:
    url, auth_file = secured_registry
    newcomer = basic_client(url, "auditor:auditor-password")
    with pytest.raises(SchemaRegistryError) as before:
        newcomer.get_subjects()
    assert before.value.http_status_code == 401
    subprocess.run(
        [
            str(ACCORD),
            "users",
            "add",
            "auditor",
            "--grant",
            "reader",
            "--file",
            str(auth_file),
            "--password-stdin",
        ],
        input="auditor-password\n",
        text=True,
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            assert isinstance(newcomer.get_subjects(), list)
            break
        except SchemaRegistryError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
