"""`accord schema lint`: severities per rule and per path, inline ignores, sorted findings,
--strict, the help text, and naming hints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client import event_type_problem
from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, avro_record

UNDOCUMENTED = {"name": "note", "type": "string"}


def findings(result) -> list[tuple[str, str, str, int]]:
    document = json.loads(result.stdout)
    return [(f["file"], f["rule"], f["severity"], f["line"]) for f in document["findings"]]


def lint(run, *arguments: str):
    return run("schema", "lint", "--format", "json", *arguments)


def add_config(project: Path, text: str) -> None:
    config = project / "accord.toml"
    config.write_text(config.read_text() + text)


def test_acc002_is_a_warning_that_fails_only_with_strict(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, UNDOCUMENTED))

    relaxed = run("schema", "lint")
    strict = run("schema", "lint", "--strict")

    assert relaxed.exit_code == EXIT_CLEAN
    assert "warning ACC002 schemas/orders.avsc:7:5: field 'note' has no doc" in relaxed.stdout
    assert strict.exit_code == EXIT_VIOLATIONS


def test_severities_per_rule_by_id_or_name(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("CreateOrder", ID, UNDOCUMENTED))
    add_config(project, '\n[lint.rules]\nfield-documented = "error"\nACC001 = "warning"\n')

    result = lint(run)

    assert result.exit_code == EXIT_VIOLATIONS
    assert findings(result) == [
        ("schemas/orders.avsc", "ACC001", "warning", 3),
        ("schemas/orders.avsc", "ACC002", "error", 7),
    ]


def test_severities_per_path_later_overrides_win(run, project: Path):
    (project / "schemas" / "legacy").mkdir()
    (project / "schemas" / "legacy" / "old.avsc").write_text(avro_record("OldThing", ID, UNDOCUMENTED))
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, UNDOCUMENTED))
    add_config(
        project,
        '\n[[schemas]]\npath = "schemas/legacy/*.avsc"\nsubject = "legacy-{stem}"\n'
        '\n[lint.rules]\nACC002 = "error"\n'
        '\n[[lint.overrides]]\npaths = ["schemas/legacy"]\nrules = { ACC001 = "off", ACC002 = "warning" }\n'
        '\n[[lint.overrides]]\npaths = ["schemas/legacy/*.avsc"]\nrules = { ACC002 = "off" }\n',
    )

    result = lint(run)

    assert findings(result) == [("schemas/orders.avsc", "ACC002", "error", 7)]
    assert result.exit_code == EXIT_VIOLATIONS


def test_an_unknown_rule_or_severity_is_a_configuration_error(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    config = project / "accord.toml"
    original = config.read_text()

    config.write_text(original + '\n[lint.rules]\nACC042 = "error"\n')
    unknown_rule = run("schema", "lint")
    config.write_text(original + '\n[lint.rules]\nACC001 = "fatal"\n')
    unknown_severity = run("schema", "lint")

    assert unknown_rule.exit_code == EXIT_ERROR
    assert "[lint.rules] names an unknown rule 'ACC042'" in unknown_rule.stderr
    assert unknown_severity.exit_code == EXIT_ERROR
    assert "lint.rules.ACC001" in unknown_severity.stderr


def test_avro_doc_ignores_a_rule_in_its_record_or_field(run, project: Path):
    record = json.loads(avro_record("CreateOrder", ID, UNDOCUMENTED))
    record["doc"] = "Kept for old consumers. accord:ignore ACC001"
    (project / "schemas" / "orders.avsc").write_text(json.dumps(record, indent=2))

    result = lint(run, "--strict")

    assert [finding[1] for finding in findings(result)] == ["ACC002"]  # ACC002 is not ignored
    record["doc"] = "accord:ignore ACC001, field-documented"
    (project / "schemas" / "orders.avsc").write_text(json.dumps(record, indent=2))
    assert findings(lint(run, "--strict")) == []


def test_json_schema_comment_ignores_a_rule_inside_its_object_only(run, project: Path):
    schema = {
        "title": "OrderCreated",
        "type": "object",
        "properties": {
            "legacy": {
                "type": "object",
                "$comment": "accord:ignore ACC002",
                "properties": {"code": {"type": "string"}},
                "description": "old codes",
            },
            "note": {"type": "string"},
        },
    }
    (project / "schemas" / "orders.json").write_text(json.dumps(schema, indent=2))
    (project / "accord.toml").write_text(
        '[[schemas]]\npath = "schemas/orders.json"\nsubject = "orders-json"\n'
    )

    result = lint(run)

    document = json.loads(result.stdout)
    assert [f["message"] for f in document["findings"]] == [
        "field 'note' has no description: say what it means"
    ]


def test_an_ignore_naming_an_unknown_rule_is_an_error(run, project: Path):
    record = json.loads(avro_record("OrderCreated", ID))
    record["doc"] = "accord:ignore ACC777"
    (project / "schemas" / "orders.avsc").write_text(json.dumps(record))

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert "schemas/orders.avsc: accord:ignore names an unknown rule 'ACC777'" in result.stderr


def test_findings_are_sorted_by_file_then_line(run, project: Path):
    schemas = project / "schemas"
    (schemas / "b.avsc").write_text(avro_record("BThing", UNDOCUMENTED, {"name": "x", "type": "int"}))
    (schemas / "a.avsc").write_text(avro_record("AThing", {"name": "y", "type": "int"}))

    result = lint(run)

    assert findings(result) == [
        ("schemas/a.avsc", "ACC001", "error", 3),
        ("schemas/a.avsc", "ACC002", "warning", 6),
        ("schemas/b.avsc", "ACC001", "error", 3),
        ("schemas/b.avsc", "ACC002", "warning", 6),
        ("schemas/b.avsc", "ACC002", "warning", 7),
    ]


def test_lint_help_keeps_its_text(run):
    result = run("schema", "lint", "--help", env={"COLUMNS": "300"})

    assert result.exit_code == EXIT_CLEAN
    assert "config's [lint] table" in result.stdout
    assert "--strict" in result.stdout


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("CreateOrder", "OrderCreated"),
        ("OrderCreate", "OrderCreated"),
        ("PayInvoice", "InvoicePaid"),
        ("ShipParcel", "ParcelShipped"),
        ("CancelOrder", "OrderCancelled"),
        ("OrderStatus", "OrderStatusChanged"),
    ],
)
def test_naming_hints_suggest_a_past_tense_event(name: str, suggestion: str):
    problem = event_type_problem(name) or ""

    assert f"(like {suggestion})" in problem


def test_lint_prints_the_hint(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("CreateOrder", ID))

    result = run("schema", "lint")

    assert "(like OrderCreated), not 'Order'" in result.stdout
    assert "CreateCreated" not in result.stdout
