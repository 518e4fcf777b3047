"""End to end, against a real `accord serve`: the seed guide's order flow in examples/order-flow.

order-service publishes OrderCreated, OrderPaid and OrderShipped; inventory-service and
notification-service consume. inventory-service declares what it reads with the matcher DSL in its own
tests (a JSON Schema expectation); notification-service gives an Avro reader schema. A compatible
change passes; a breaking change (OrderCreated without customerEmail, which notification-service
reads) is caught by verify, by can-i-deploy and by the registry itself; a change that only
inventory-service's JSON expectation notices (OrderCreated without items) is caught too; the fix passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from registry.cli import app
from tests.support.servers import running_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-flow"
ORDER_SERVICE = EXAMPLE / "order-service"
EVENT_TYPES = ("OrderCreated", "OrderPaid", "OrderShipped")


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("order-flow") / "registry.db"
    with running_registry(f"sqlite:///{database}") as url:
        yield url


def accord(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", *arguments], catch_exceptions=False)
    return result.exit_code, result.output


def register(url: str, subject: str, schema_file: Path) -> httpx.Response:
    return httpx.post(f"{url}/subjects/{subject}/versions", json={"schema": schema_file.read_text()})


def verify_order_service(url: str, version: str, candidate: Path | None, *extra: str) -> tuple[int, str]:
    schema = ["--schema", f"OrderCreated={candidate}"] if candidate else []
    return accord(
        "verify",
        "--producer",
        "order-service",
        "--version",
        version,
        "--samples",
        str(ORDER_SERVICE / "contracts" / "order-service.samples.json"),
        *schema,
        "--registry",
        url,
        "--publish",
        *extra,
    )


def consumer_tests(service: str, contracts_dir: Path) -> Path:
    """Run a consumer's own tests (in its directory, with its pytest.ini) so the contract plugin writes
    its expectations file into `contracts_dir`; the console script, as the team's CI would run it."""
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("pytest")),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--contracts-dir={contracts_dir}",
        ],
        cwd=EXAMPLE / service,
        # A relative PYTHONPATH would put the service's contracts/ directory before accord's `contracts`.
        env={name: value for name, value in os.environ.items() if name != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return contracts_dir / f"{service}.expectations.json"


def test_the_order_flow(registry_url: str, tmp_path: Path) -> None:
    url = registry_url
    for event_type in EVENT_TYPES:
        assert register(url, event_type, ORDER_SERVICE / "schemas" / f"{event_type}.avsc").status_code == 200

    # inventory-service's tests compile its matcher-DSL expectations to the file in its repository
    inventory_contract = consumer_tests("inventory-service", tmp_path)
    committed = EXAMPLE / "inventory-service" / "contracts" / "inventory-service.expectations.json"
    assert inventory_contract.read_text() == committed.read_text()
    assert '"schemaType": "JSON"' in committed.read_text()

    # consumers publish what they read and are deployed
    for consumer, version in (("inventory-service", "inv-1"), ("notification-service", "notif-1")):
        contract = EXAMPLE / consumer / "contracts" / f"{consumer}.expectations.json"
        if consumer == "inventory-service":
            contract = inventory_contract
        code, output = accord(
            "publish", "--expectations", str(contract), "--version", version, "--registry", url
        )
        assert code == 0, output
        code, output = accord(
            "record-deployment", consumer, version, "--env", "production", "--registry", url
        )
        assert (code, output.strip()) == (0, f"recorded deployment of {consumer} {version} to production")

    # the producer as it is: verified against both consumers, deployable
    code, output = verify_order_service(url, "p1", None)
    assert code == 0, output
    assert "order-service@p1 -> inventory-service@inv-1" in output
    assert "order-service@p1 -> notification-service@notif-1" in output
    assert accord("can-i-deploy", "order-service@p1", "--to", "production", "--registry", url)[0] == 0
    accord("record-deployment", "order-service", "p1", "--env", "production", "--registry", url)

    # a compatible change: an optional coupon
    compatible = EXAMPLE / "changes" / "compatible" / "OrderCreated.avsc"
    code, output = verify_order_service(url, "p2", compatible)
    assert code == 0, output
    code, output = accord("can-i-deploy", "order-service@p2", "--to", "production", "--registry", url)
    assert code == 0, output
    assert output.strip().endswith("yes: all 2 pairs with versions in production passed verification")
    assert register(url, "OrderCreated", compatible).status_code == 200

    # a breaking change: OrderCreated without customerEmail, which notification-service reads
    breaking = EXAMPLE / "changes" / "breaking" / "OrderCreated.avsc"
    code, output = verify_order_service(url, "p3", breaking, "--format", "github")
    assert code == 1, output
    [annotation] = [line for line in output.splitlines() if line.startswith("::error")]
    assert f"file={breaking}" in annotation
    assert "notification-service@notif-1" in annotation
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in annotation
    assert "customerEmail" in annotation
    code, output = accord("can-i-deploy", "order-service@p3", "--to", "production", "--registry", url)
    assert code == 1, output
    assert "notification-service" in output
    assert "failure" in output
    assert output.strip().endswith("no: 1 of 2 pairs failed verification")
    refused = register(url, "OrderCreated", breaking)
    assert refused.status_code == 409
    assert refused.json()["error_code"] == 40910
    assert "notification-service version notif-1" in refused.json()["message"]

    # a change only inventory-service's JSON Schema expectation notices: OrderCreated without items
    without_items = EXAMPLE / "changes" / "without-items" / "OrderCreated.avsc"
    code, output = verify_order_service(url, "p3b", without_items, "--format", "github")
    assert code == 1, output
    [annotation] = [line for line in output.splitlines() if line.startswith("::error")]
    assert "inventory-service@inv-1" in annotation
    assert "at $.data.items (expectation of inventory-service@inv-1)" in annotation
    assert "expects" in annotation
    refused = register(url, "OrderCreated", without_items)
    assert refused.status_code == 409
    assert refused.json()["error_code"] == 40910
    assert "inventory-service version inv-1 (OrderCreated) reads $.data.items" in refused.json()["message"]

    # dry run: the same answer, but exit 0 for an emergency
    code, output = accord(
        "can-i-deploy", "order-service@p3", "--to", "production", "--dry-run", "--registry", url
    )
    assert code == 0
    assert "would exit 1" in output

    # the fix keeps customerEmail
    fixed = EXAMPLE / "changes" / "fixed" / "OrderCreated.avsc"
    code, output = verify_order_service(url, "p4", fixed, "--format", "junit")
    assert code == 0, output
    assert 'failures="0"' in output
    assert accord("can-i-deploy", "order-service@p4", "--to", "production", "--registry", url)[0] == 0

    # a version nobody verified is unknown (exit 2), also after retrying
    code, output = accord(
        "can-i-deploy",
        "order-service@p9",
        "--to",
        "production",
        "--retry-while-unknown",
        "1",
        "--retry-interval",
        "0",
        "--registry",
        url,
    )
    assert code == 2, output
    assert "unknown" in output

    # a new consumer version verifies itself against the deployed producer
    notification = EXAMPLE / "notification-service" / "contracts" / "notification-service.expectations.json"
    code, output = accord(
        "verify",
        "--consumer",
        "notification-service",
        "--version",
        "notif-2",
        "--expectations",
        str(notification),
        "--registry",
        url,
        "--format",
        "json",
    )
    assert code == 0, output
    assert '"passed": true' in output


def test_usage_and_connection_errors_exit_2(tmp_path: Path) -> None:
    code, output = accord(
        "can-i-deploy", "order-service", "--to", "production", "--registry", "http://127.0.0.1:9"
    )
    assert code == 2
    assert "NAME@VERSION" in output
    code, output = accord(
        "can-i-deploy", "order-service@1", "--to", "production", "--registry", "http://127.0.0.1:9"
    )
    assert code == 2
    assert "is unreachable" in output
    code, output = accord("verify", "--producer", "a", "--consumer", "b", "--version", "1")
    assert (code, "exactly one of --producer" in output) == (2, True)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, output = accord(
        "publish", "--expectations", str(broken), "--version", "1", "--registry", "http://x"
    )
    assert code == 2
    assert f"{broken}: not valid JSON" in output
