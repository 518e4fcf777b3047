"""`accord contracts` with a Protobuf producer against a real `accord serve`, on SQLite and PostgreSQL:
samples in the JSON mapping, a reader `.proto` and a matcher expectation, verify (both sides),
can-i-deploy from the recorded results, and the registration gate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from contracts import ConsumerContract, decimal, expect, expect_proto, string, write_contract
from contracts.samples import ProducerSamples, Sample, envelope_for, write_samples
from registry.cli import app
from tests.support.databases import postgres_database
from tests.support.servers import running_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-changes"
ORDER = EXAMPLE / "protobuf" / "OrderPlaced.proto"
RENAMED_TOTAL = EXAMPLE / "protobuf" / "proposals" / "rename-total.proto"


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        with running_registry(f"sqlite:///{tmp_path / 'registry.db'}") as url:
            yield url
        return
    with postgres_database() as database, running_registry(database) as url:
        yield url


def accord(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", *arguments])
    return result.exit_code, result.output


def samples_file(folder: Path, version: str, data: dict) -> Path:
    envelope = envelope_for("OrderPlaced", data, source="order-service", event_version=1)
    sample = Sample("placed", envelope, "PROTOBUF", ORDER.read_text())
    return write_samples(
        ProducerSamples("order-service", version, (sample,)), folder / f"{version}.samples.json"
    )


def test_verify_can_i_deploy_and_the_gate_with_a_protobuf_producer(registry_url, tmp_path):
    url = registry_url
    assert httpx.put(f"{url}/config/OrderPlaced", json={"compatibility": "NONE"}).status_code == 200
    body = {"schema": ORDER.read_text(), "schemaType": "PROTOBUF"}
    assert httpx.post(f"{url}/subjects/OrderPlaced/versions", json=body).status_code == 200
    contracts = {
        "billing": expect("OrderPlaced", {"orderId": string(), "totalAmount": decimal(minimum=0)}),
        "shipping": expect_proto(
            "OrderPlaced", (EXAMPLE / "readers" / "shipping.OrderPlaced.proto").read_text()
        ),
    }
    for consumer, expectation in contracts.items():
        path = write_contract(ConsumerContract(consumer, None, (expectation,)), tmp_path / f"{consumer}.json")
        assert accord("publish", "--expectations", str(path), "--version", "c1", "--registry", url)[0] == 0
        assert accord("record-deployment", consumer, "c1", "--env", "production", "--registry", url)[0] == 0

    # a sample in the JSON mapping (int64 and names as ParseDict takes them) passes every check
    good = samples_file(tmp_path, "p1", {"order_id": "o-1", "totalAmount": 12.5, "items": [{"sku": "A"}]})
    code, output = accord(
        "verify",
        "--producer",
        "order-service",
        "--version",
        "p1",
        "--samples",
        str(good),
        "--registry",
        url,
        "--publish",
    )
    assert code == 0, output
    assert accord("can-i-deploy", "order-service@p1", "--to", "production", "--registry", url)[0] == 0
    consumer_side = accord("verify", "--consumer", "shipping", "--version", "c1", "--registry", url)
    assert consumer_side[0] == 0, consumer_side[1]

    # a sample protobuf refuses, and one billing's value rule refuses, are named by path
    bad = samples_file(tmp_path, "p2", {"orderId": "o-2", "totalAmount": -1, "items": [{"quantity": "two"}]})
    code, output = accord(
        "verify",
        "--producer",
        "order-service",
        "--version",
        "p2",
        "--samples",
        str(bad),
        "--registry",
        url,
        "--publish",
    )
    assert code == 1
    assert "$.data.items[0].quantity" in output
    assert "$.data.totalAmount" in output

    # a renamed field: billing reads the JSON mapping, so it breaks; shipping reads field numbers
    code, output = accord(
        "verify",
        "--producer",
        "order-service",
        "--version",
        "p3",
        "--schema",
        f"OrderPlaced={RENAMED_TOTAL}",
        "--registry",
        url,
        "--publish",
    )
    assert code == 1, output
    deploy_code, answer = accord(
        "can-i-deploy", "order-service@p3", "--to", "production", "--registry", url, "--format", "json"
    )
    failing = {row["consumer"] for row in orjson.loads(answer)["matrix"] if row["result"] == "failure"}
    assert (deploy_code, failing) == (1, {"billing"})
    refused = httpx.post(
        f"{url}/subjects/OrderPlaced/versions",
        json={"schema": RENAMED_TOTAL.read_text(), "schemaType": "PROTOBUF"},
    )
    assert (refused.status_code, refused.json()["error_code"]) == (409, 40910)
    assert "billing version c1 (OrderPlaced) reads $.data.totalAmount" in refused.json()["message"]
    assert "shipping version" not in refused.json()["message"]
