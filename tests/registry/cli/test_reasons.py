"""Confluent's verbose compatibility messages as findings on the schema's lines."""

from __future__ import annotations

from pathlib import Path

from registry.cli.checks import reason_finding, reasons
from registry.cli.project import SchemaFile
from registry.compatibility import CompatibilityLevel, SchemaType
from tests.registry.cli.conftest import ID, TOTAL, avro_record


def schema_file(tmp_path: Path) -> SchemaFile:
    return SchemaFile(
        path=tmp_path / "orders.avsc",
        subject="orders-value",
        schema_type=SchemaType.AVRO,
        compatibility=CompatibilityLevel.BACKWARD,
        references=(),
        text=avro_record("OrderCreated", ID, TOTAL),
    )


def test_a_reason_with_a_path_lands_on_its_line(tmp_path: Path):
    message = (
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'total' at path "
        "'/fields/1' in the new schema has no default value and is missing in the old schema', "
        "additionalInfo:'total'}"
    )

    finding = reason_finding(message, schema_file(tmp_path))

    assert finding.rule == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert finding.message.startswith("The field 'total' at path '/fields/1'")
    assert (finding.line, finding.column) == (7, 5)
    assert finding.case == "orders-value"


def test_json_schema_pointers_are_found_too(tmp_path: Path):
    message = "{errorType:'TYPE_CHANGED', description:'A type at path '#/fields/0/type' is different'}"

    assert reason_finding(message, schema_file(tmp_path)).line == 6


def test_a_message_of_another_shape_is_kept_whole(tmp_path: Path):
    finding = reason_finding("Invalid schema: something", schema_file(tmp_path))

    assert (finding.rule, finding.message, finding.line) == (
        "INCOMPATIBLE",
        "Invalid schema: something",
        None,
    )


def test_context_lines_are_not_reasons():
    messages = [
        "{errorType:'TYPE_MISMATCH', description:'x'}",
        "{oldSchemaVersion: 3}",
        "{oldSchema: '{}'}",
        "{compatibility: 'BACKWARD'}",
    ]

    assert reasons(messages) == messages[:1]
