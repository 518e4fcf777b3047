"""Every "would this register?" answer includes the consumer-aware gate: with level NONE and a
published expectation that v2 breaks, POST /compatibility (verbose: Accord's `accord` extension
names the part that refuses), `accord schema check` against the registry and `accord schema register
--dry-run` all say no, as the registration itself (40910) does. Confluent's own client reads the
answer and ignores the extension."""

from __future__ import annotations

from pathlib import Path

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from registry.cli.errors import EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, avro_record, subject

TOTAL = {"name": "totalAmount", "type": "double"}
AMOUNT = {"name": "amount", "type": "double"}  # v2 renames totalAmount, which billing reads
BILLING_READS = {
    "type": "record",
    "name": "OrderPlaced",
    "namespace": "com.acme",
    "fields": [{"name": "totalAmount", "type": "double"}],
}


def _setup(registry_url: str, project: Path) -> str:
    name = subject(project, "orders")
    config = httpx.put(f"{registry_url}/config/{name}", json={"compatibility": "NONE"})
    assert config.status_code == 200, config.text
    registered = httpx.post(
        f"{registry_url}/subjects/{name}/versions", json={"schema": avro_record("OrderPlaced", ID, TOTAL)}
    )
    assert registered.status_code == 200, registered.text
    published = httpx.put(
        f"{registry_url}/contracts/consumers/billing/versions/b1/expectations",
        json={"expectations": [{"eventType": name, "schemaType": "AVRO", "schema": BILLING_READS}]},
    )
    assert published.status_code == 200, published.text
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderPlaced", ID, AMOUNT))
    return name


def test_every_dry_run_agrees_with_the_registration(run, project, registry_url):
    name = _setup(registry_url, project)
    v2 = avro_record("OrderPlaced", ID, AMOUNT)
    checks = f"{registry_url}/compatibility/subjects/{name}/versions"

    verbose = httpx.post(checks, params={"verbose": "true"}, json={"schema": v2}).json()
    quiet = httpx.post(checks, json={"schema": v2}).json()
    latest = httpx.post(f"{checks}/latest", params={"verbose": "true"}, json={"schema": v2}).json()
    against_v1 = httpx.post(f"{checks}/1", json={"schema": v2}).json()
    check = run("schema", "check", "--registry", registry_url)
    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    real = httpx.post(f"{registry_url}/subjects/{name}/versions", json={"schema": v2})

    assert quiet == {"is_compatible": False}
    assert verbose["is_compatible"] is False
    assert verbose["accord"]["refusedBy"] == "consumer-expectations"
    assert verbose["accord"]["errorCode"] == 40910
    [broken] = verbose["accord"]["brokenExpectations"]
    assert broken.startswith("billing version b1 (")
    assert "$.data.totalAmount" in broken
    assert any("CONSUMER_EXPECTATION_BROKEN" in message for message in verbose["messages"])
    assert latest["accord"] == verbose["accord"]
    assert against_v1 == {"is_compatible": True}  # one numbered version: the level only, as before

    assert check.exit_code == EXIT_VIOLATIONS
    assert "refused by consumer expectations (registering would answer 40910)" in check.stdout
    assert "CONSUMER_EXPECTATION_BROKEN" in check.stdout
    assert dry.exit_code == EXIT_VIOLATIONS
    assert "refused by consumer expectations" in dry.stdout

    assert real.status_code == 409
    assert real.json()["error_code"] == 40910


def test_a_compatible_dry_run_has_no_extension_and_a_level_refusal_names_the_level(registry_url, project):
    name = _setup(registry_url, project)
    checks = f"{registry_url}/compatibility/subjects/{name}/versions"
    keeps_total = avro_record("OrderPlaced", ID, TOTAL, {"name": "note", "type": "string", "default": ""})

    fine = httpx.post(checks, params={"verbose": "true"}, json={"schema": keeps_total}).json()
    httpx.put(f"{registry_url}/config/{name}", json={"compatibility": "BACKWARD"})
    retyped = avro_record("OrderPlaced", ID, {"name": "totalAmount", "type": "string"})
    level = httpx.post(checks, params={"verbose": "true"}, json={"schema": retyped}).json()
    invalid = httpx.post(checks, params={"verbose": "true"}, json={"schema": "{"}).json()

    assert fine == {"is_compatible": True, "messages": []}
    assert level["is_compatible"] is False
    assert level["accord"] == {"refusedBy": "compatibility-level", "errorCode": 409, "brokenExpectations": []}
    assert invalid["accord"]["refusedBy"] == "schema"
    assert invalid["accord"]["errorCode"] == 42201


def test_confluents_client_reads_the_answer_and_ignores_the_extension(registry_url, project):
    name = _setup(registry_url, project)
    client = SchemaRegistryClient({"url": registry_url})
    v2 = Schema(avro_record("OrderPlaced", ID, AMOUNT), "AVRO")
    kept = Schema(avro_record("OrderPlaced", ID, TOTAL), "AVRO")

    assert client.test_compatibility(name, v2) is False
    assert client.test_compatibility(name, kept) is True
