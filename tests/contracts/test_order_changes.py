"""End to end, against a real `accord serve`: examples/order-changes, played as a new team would.

order-service publishes OrderPlaced; billing reads orderId/totalAmount/currency, shipping reads
orderId, items[].sku/quantity and an optional shippingAddress. v1, then four v2 proposals: add an
optional field, rename totalAmount, make shippingAddress required with another shape, drop a field
nobody reads. Three flows: an Avro producer with matcher-DSL expectations, an Avro producer with
Avro reader expectations, a JSON Schema producer with DSL expectations. At every step (the static
check, sample verification, the dry run, the registration gate, the matrix, can-i-deploy) the verdict
is right and names the right consumer. The subject's level is NONE, so consumer-aware registration
alone decides.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from registry.cli import app
from tests.support.servers import running_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-changes"
CONSUMERS = runpy.run_path(str(EXAMPLE / "consumers.py"))
# proposal: the consumers it breaks
PROPOSALS = {
    "add-optional-field": set(),
    "rename-total": {"billing"},
    "require-address": {"shipping"},
    "drop-unread-field": set(),
}
# flow: (the producer's schema folder and file suffix, the consumers' reader schemas or None for the
# DSL, the proposals whose verdict differs from PROPOSALS). A binary Protobuf reader matches fields by
# number, so a renamed field breaks only consumers that read the JSON mapping, where names count.
FLOWS = {
    "avro producer, DSL expectations": ("avro", ".avsc", None, {}),
    "avro producer, Avro reader expectations": ("avro", ".avsc", "avro", {}),
    "JSON Schema producer, DSL expectations": ("json", ".schema.json", None, {}),
    "Protobuf producer, DSL expectations on the JSON mapping": ("protobuf", ".proto", None, {}),
    "Protobuf producer, reader .proto expectations": (
        "protobuf",
        ".proto",
        "protobuf",
        {"rename-total": set()},
    ),
}
SCHEMA_TYPES = {"avro": "AVRO", "json": "JSON", "protobuf": "PROTOBUF"}


@pytest.fixture
def registry_url(tmp_path: Path) -> Iterator[str]:
    with running_registry(f"sqlite:///{tmp_path / 'registry.db'}") as url:
        yield url


def accord(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", *arguments])
    return result.exit_code, result.output


def _schema_body(path: Path, folder: str) -> dict[str, str]:
    body = {"schema": path.read_text()}
    return body if folder == "avro" else {**body, "schemaType": SCHEMA_TYPES[folder]}


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip().startswith("error")]


@pytest.mark.parametrize("flow", FLOWS)
def test_every_step_gives_the_right_verdict(flow, registry_url, tmp_path):
    folder, suffix, readers, verdicts = FLOWS[flow]
    url = registry_url
    v1 = EXAMPLE / folder / f"OrderPlaced{suffix}"
    files = CONSUMERS["write_contracts"](tmp_path / "accord-contracts", readers=readers)

    assert httpx.put(f"{url}/config/OrderPlaced", json={"compatibility": "NONE"}).status_code == 200
    assert (
        httpx.post(f"{url}/subjects/OrderPlaced/versions", json=_schema_body(v1, folder)).status_code == 200
    )
    for consumer, version in (("billing", "b1"), ("shipping", "s1")):
        assert (
            accord(
                "publish", "--expectations", str(files[consumer]), "--version", version, "--registry", url
            )[0]
            == 0
        )
        assert (
            accord("record-deployment", consumer, version, "--env", "production", "--registry", url)[0] == 0
        )

    # v1 itself: every check passes, the registry accepts it again, and it can be deployed
    code, output = accord(
        "verify", "--producer", "order-service", "--version", "p1", "--registry", url, "--publish"
    )
    assert code == 0, output
    assert not _error_lines(output)
    again = httpx.post(f"{url}/subjects/OrderPlaced/versions", json=_schema_body(v1, folder))
    assert again.status_code == 200, again.text
    assert accord("can-i-deploy", "order-service@p1", "--to", "production", "--registry", url)[0] == 0
    accord("record-deployment", "order-service", "p1", "--env", "production", "--registry", url)

    for proposal, breaks in {**PROPOSALS, **verdicts}.items():
        candidate = EXAMPLE / folder / "proposals" / f"{proposal}{suffix}"
        version = f"p2-{proposal}"
        expected_code = 1 if breaks else 0

        # the static check and sample verification, offline from the files
        schema_option = f"OrderPlaced={candidate}:{SCHEMA_TYPES[folder]}"
        offline = accord(
            "verify",
            "--producer",
            "order-service",
            "--version",
            version,
            "--schema",
            schema_option,
            "--expectations",
            str(tmp_path / "accord-contracts"),
        )
        assert offline[0] == expected_code, (proposal, offline[1])
        named = {
            consumer
            for consumer in ("billing", "shipping")
            for line in _error_lines(offline[1])
            if f"-> {consumer}@" in line or f"expectation of {consumer}@" in line
        }
        assert named == breaks, (proposal, offline[1])

        # the dry run agrees with the registration, and names the consumer that refuses
        dry = httpx.post(
            f"{url}/compatibility/subjects/OrderPlaced/versions",
            params={"verbose": "true"},
            json=_schema_body(candidate, folder),
        ).json()
        assert dry["is_compatible"] is not breaks, (proposal, dry)
        refusing = {
            line.split(" version ")[0] for line in dry.get("accord", {}).get("brokenExpectations", [])
        }
        assert refusing == breaks, (proposal, dry)

        # verification against the registry, recorded in the matrix, and can-i-deploy
        code, output = accord(
            "verify",
            "--producer",
            "order-service",
            "--version",
            version,
            "--schema",
            schema_option,
            "--registry",
            url,
            "--publish",
        )
        assert code == expected_code, (proposal, output)
        deploy_code, answer = accord(
            "can-i-deploy",
            f"order-service@{version}",
            "--to",
            "production",
            "--registry",
            url,
            "--format",
            "json",
        )
        rows = orjson.loads(answer)["matrix"]
        failing = {row["consumer"] for row in rows if row["result"] == "failure"}
        assert (deploy_code, failing) == (expected_code, breaks), (proposal, answer)

        registered = httpx.post(f"{url}/subjects/OrderPlaced/versions", json=_schema_body(candidate, folder))
        if breaks:
            assert registered.status_code == 409, (proposal, registered.text)
            assert registered.json()["error_code"] == 40910
            assert all(f"{consumer} version" in registered.json()["message"] for consumer in breaks)
            assert not ({"billing", "shipping"} - breaks) & {
                consumer
                for consumer in ("billing", "shipping")
                if f"{consumer} version" in registered.json()["message"]
            }
        else:
            assert registered.status_code == 200, (proposal, registered.text)

    code, matrix = accord("matrix", "order-service", "--registry", url, "--format", "json")
    cases = {case["name"]: case["detail"] for case in orjson.loads(matrix)["cases"]}
    for proposal, breaks in {**PROPOSALS, **verdicts}.items():
        for consumer, version in (("billing", "b1"), ("shipping", "s1")):
            detail = cases[f"order-service@p2-{proposal} -> {consumer}@{version}"]
            assert detail.startswith("failed" if consumer in breaks else "verified"), (
                proposal,
                consumer,
                detail,
            )
    assert code == 1
