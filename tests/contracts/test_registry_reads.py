"""Commands that read a consumer version's published expectations from a real registry when no file is
given: `verify --consumer` and `export --pact`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from contracts import expect, integer, string, write_contract
from contracts.expectations import ConsumerContract
from contracts.samples import ProducerSamples, Sample, envelope_for, write_samples
from registry.cli import app
from tests.support.servers import running_registry

ORDER = {
    "type": "record",
    "name": "OrderPlaced",
    "fields": [{"name": "orderId", "type": "string"}, {"name": "quantity", "type": "int"}],
}
READS = expect("OrderPlaced", {"orderId": string(), "quantity": integer(minimum=1)})


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("registry-reads") / "registry.db"
    with running_registry(f"sqlite:///{database}") as url:
        yield url


def accord(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", *arguments])
    return result.exit_code, result.output


def _samples(tmp_path: Path, quantity: int) -> Path:
    data = {"orderId": "o-1", "quantity": quantity}
    envelope = envelope_for("OrderPlaced", data, source="order-service", event_version=1)
    sample = Sample("placed", envelope, "AVRO", json.dumps(ORDER))
    return write_samples(ProducerSamples("order-service", "p1", (sample,)), tmp_path / "samples.json")


def test_verify_consumer_reads_the_published_expectations(registry_url, tmp_path):
    contract = write_contract(ConsumerContract("billing", None, (READS,)), tmp_path / "billing.json")
    assert (
        accord("publish", "--expectations", str(contract), "--version", "b1", "--registry", registry_url)[0]
        == 0
    )
    good, bad = _samples(tmp_path / "good", 2), _samples(tmp_path / "bad", 0)

    ok = accord(
        "verify",
        "--consumer",
        "billing",
        "--version",
        "b1",
        "--samples",
        str(good),
        "--registry",
        registry_url,
    )
    broken = accord(
        "verify",
        "--consumer",
        "billing",
        "--version",
        "b1",
        "--samples",
        str(bad),
        "--registry",
        registry_url,
    )
    unknown = accord(
        "verify",
        "--consumer",
        "billing",
        "--version",
        "b9",
        "--samples",
        str(good),
        "--registry",
        registry_url,
    )
    offline = accord("verify", "--consumer", "billing", "--version", "b1", "--samples", str(good))

    assert ok[0] == 0, ok[1]
    assert "order-service@p1 -> billing@b1" in ok[1]
    assert broken[0] == 1
    assert "$.data.quantity" in broken[1]
    assert unknown[0] == 2
    assert "404" in unknown[1] or "40410" in unknown[1]
    assert offline[0] == 2
    assert "or --registry to read the expectations this version published" in offline[1]


def test_export_reads_the_published_expectations(registry_url, tmp_path):
    contract = write_contract(ConsumerContract("invoicing", None, (READS,)), tmp_path / "invoicing.json")
    accord("publish", "--expectations", str(contract), "--version", "i1", "--registry", registry_url)
    out = tmp_path / "invoicing.pact.json"

    code, output = accord(
        "export", "--pact", str(out), "--consumer", "invoicing", "--version", "i1", "--registry", registry_url
    )

    assert code == 0, output
    pact = orjson.loads(out.read_bytes())
    assert pact["consumer"] == {"name": "invoicing"}
    [interaction] = pact["interactions"]
    assert interaction["contents"]["content"] == {"orderId": "text", "quantity": 1}
    assert interaction["matchingRules"]["content"]["$.quantity"]["matchers"] == [{"match": "integer"}]
    assert (
        httpx.get(f"{registry_url}/contracts/consumers/invoicing/versions/i1/expectations").status_code == 200
    )


def test_the_matrix_in_text_json_and_junit(registry_url, tmp_path):
    contract = write_contract(ConsumerContract("ledger", None, (READS,)), tmp_path / "ledger.json")
    accord("publish", "--expectations", str(contract), "--version", "l1", "--registry", registry_url)
    for version, quantity in (("p-good", 2), ("p-bad", 0)):
        samples = _samples(tmp_path / version, quantity)
        arguments = ["--samples", str(samples), "--registry", registry_url, "--publish"]
        accord("verify", "--producer", "order-service", "--version", version, *arguments)

    code, text = accord("matrix", "ledger", "--registry", registry_url)
    json_code, as_json = accord("matrix", "ledger", "--registry", registry_url, "--format", "json")
    _, junit = accord("matrix", "ledger", "--registry", registry_url, "--format", "junit")
    _, good_only = accord("matrix", "ledger", "--registry", registry_url, "--limit", "1", "--format", "json")

    assert (code, json_code) == (1, 1)
    assert "order-service@p-good -> ledger@l1 verified at" in text
    assert "order-service@p-bad -> ledger@l1 failed (1 errors) at" in text
    report = orjson.loads(as_json)
    assert report["tool"] == "accord contracts matrix"
    assert {case["name"] for case in report["cases"]} == {
        "order-service@p-good -> ledger@l1",
        "order-service@p-bad -> ledger@l1",
    }
    [finding] = report["findings"]
    assert finding["case"] == "order-service@p-bad -> ledger@l1"
    assert "$.data.quantity" in finding["message"]
    assert "<testsuite" in junit
    assert "<failure" in junit
    assert len(orjson.loads(good_only)["cases"]) == 1


def test_a_real_pact_publishes_with_its_event_type_given_and_its_http_interactions_counted(registry_url):
    pact = (
        Path(__file__).resolve().parents[1]
        / "data"
        / "contracts"
        / "pacts"
        / "pact-jvm-v4-combined-pact.json"
    )
    code, output = accord(
        "publish",
        "--pact",
        str(pact),
        "--event-type",
        "Test Message=ThingHappened",
        "--version",
        "t1",
        "--registry",
        registry_url,
    )
    assert code == 0, output
    assert (
        f"imported 1 message of test_consumer; skipped 1 Synchronous/HTTP interaction from {pact}" in output
    )
    assert "published 1 expectations of test_consumer t1" in output
    body = httpx.get(f"{registry_url}/contracts/consumers/test_consumer/versions/t1/expectations").json()
    assert [e["eventType"] for e in body["expectations"]] == ["ThingHappened"]
