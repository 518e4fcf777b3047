"""`accord contracts verify` on schemas whose generated samples hold integers beyond 64 bits: samples
that cannot go on the wire are never generated, and when nothing else can be, the command stops with
one line and exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from typer.testing import CliRunner

from contracts.checks import ProducerSchema
from contracts.generation import generate_samples
from registry.cli import app

CONTRACT = {
    "consumer": "billing",
    "version": "1",
    "expectations": [
        {
            "eventType": "OrderPlaced",
            "schema": {
                "type": "object",
                "properties": {"quantity": {"type": "integer", "maximum": 10}},
                "required": ["quantity"],
            },
        }
    ],
}


def _schema(quantity: dict[str, object]) -> dict[str, object]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"orderId": {"type": "string"}, "quantity": {"type": "integer", **quantity}},
        "required": ["orderId", "quantity"],
    }


def _verify(tmp_path: Path, schema: dict[str, object]) -> tuple[int, str, str]:
    (tmp_path / "order.json").write_text(json.dumps(schema))  # orjson stops at 64 bits
    (tmp_path / "billing.expectations.json").write_bytes(orjson.dumps(CONTRACT))
    arguments = [
        "contracts",
        "verify",
        "--producer",
        "order-service",
        "--version",
        "1",
        "--schema",
        f"OrderPlaced={tmp_path / 'order.json'}",
        "--expectations",
        str(tmp_path / "billing.expectations.json"),
    ]
    result = CliRunner().invoke(app, arguments)
    return result.exit_code, result.stdout, result.stderr


def test_generated_samples_near_the_64_bit_limit_are_reported(tmp_path):
    code, out, err = _verify(tmp_path, _schema({"minimum": 2**63 - 200}))
    assert (code, err) == (0, "")
    assert "generated from OrderPlaced" in out
    assert "break maximum: 10" in out
    assert "passed, 0 errors" in out


def test_generated_samples_are_all_encodable():
    schema = ProducerSchema("OrderPlaced", "JSON", orjson.dumps(_schema({"minimum": 2**63 - 200})).decode())
    samples = generate_samples(schema, source="order-service", count=5)
    assert samples
    for sample in samples:
        assert orjson.loads(orjson.dumps(sample.data)) == sample.data
        assert sample.data["quantity"] < 2**64


def test_generated_strings_hold_no_nul_character_the_registry_would_refuse():
    document = {
        "type": "object",
        "properties": {"note": {"type": "string", "minLength": 1}},
        "required": ["note"],
    }
    schema = ProducerSchema("NoteAdded", "JSON", orjson.dumps(document).decode())
    samples = generate_samples(schema, source="notes", count=30)
    assert len(samples) >= 20
    assert not [sample.data["note"] for sample in samples if "\x00" in sample.data["note"]]


def test_a_schema_that_allows_only_unencodable_values_stops_with_one_line(tmp_path):
    code, out, err = _verify(tmp_path, _schema({"minimum": 2**64}))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: cannot generate samples from this JSON Schema")
    assert "Traceback" not in err


def test_findings_in_generated_samples_are_one_line_per_rule_tagged_as_generated(tmp_path):
    code, out, _ = _verify(tmp_path, _schema({"minimum": 11}))
    generated = [line for line in out.splitlines() if "(generated samples)" in line]

    assert code == 0
    assert len(generated) == 1
    [line] = generated
    assert "warning sample-expectation (generated samples)" in line
    assert str(tmp_path / "order.json") in line  # the schema they were generated from, not "contracts"
    assert "5 samples generated from OrderPlaced" in line
    assert "break maximum: 10" in line


def test_a_folder_of_contract_files_is_read_old_and_new_names_alike(tmp_path):
    for folder in ("accord-contracts", "contracts"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "billing.expectations.json").write_bytes(orjson.dumps(CONTRACT))
    (tmp_path / "order.json").write_bytes(orjson.dumps(_schema({"minimum": 1, "maximum": 10})))
    (tmp_path / "empty").mkdir()
    outcomes = []
    for folder in ("accord-contracts", "contracts", "empty"):
        arguments = [
            "--schema",
            f"OrderPlaced={tmp_path / 'order.json'}",
            "--expectations",
            str(tmp_path / folder),
        ]
        result = CliRunner().invoke(
            app, ["contracts", "verify", "--producer", "order-service", "--version", "1", *arguments]
        )
        outcomes.append((result.exit_code, result.stdout + result.stderr))

    assert [code for code, _ in outcomes] == [0, 0, 2]
    assert "order-service@1 -> billing@1" in outcomes[0][1]
    assert "order-service@1 -> billing@1" in outcomes[1][1]
    assert "holds no *.expectations.json file" in outcomes[2][1]
