"""`accord schema lint`: each rule by id, disabling, history from git or the registry, the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, avro_record, git

ENVELOPE = [
    {"name": name, "type": "string", "doc": name}
    for name in ("eventId", "source", "eventType", "timestamp", "correlationId")
] + [{"name": "data", "type": "string", "doc": "the event data"}]
ORDER_JSON = {
    "title": "OrderCreated",
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "The order's id"},
        "lines": {
            "type": "array",
            "items": {"type": "object", "properties": {"sku": {"type": "string"}}},
        },
    },
}


def rules(result) -> list[str]:
    return [finding["rule"] for finding in json.loads(result.stdout)["findings"]]


def lint(run, *arguments: str):
    return run("schema", "lint", "--format", "json", *arguments)


def test_clean_schemas_pass(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))

    result = run("schema", "lint")

    assert result.exit_code == EXIT_CLEAN
    assert "ACC003, ACC004 compare with the previous version" in result.stdout


@pytest.mark.parametrize(
    ("name", "problem"),
    [("CreateOrder", "should end in a past-tense verb"), ("order_created", "is not PascalCase")],
)
def test_acc001_event_names_are_past_tense_facts(run, project: Path, name, problem):
    (project / "schemas" / "orders.avsc").write_text(avro_record(name, ID))

    result = run("schema", "lint", "--format", "github")

    assert result.exit_code == EXIT_VIOLATIONS
    assert f"::error file=schemas/orders.avsc,line=3,col=3,title=ACC001::event name '{name}' {problem}" in (
        result.stdout
    )


def test_acc001_skips_shared_types_that_events_refer_to(run, project: Path):
    (project / "schemas" / "money.avsc").write_text(
        avro_record("Money", {"name": "cents", "type": "long", "doc": "c"})
    )
    (project / "schemas" / "price.avsc").write_text(avro_record("PriceChanged", ID))
    (project / "accord.toml").write_text(
        """
[[schemas]]
path = "schemas/price.avsc"
subject = "price-value"
references = [{ name = "com.acme.Money", path = "schemas/money.avsc" }]

[[schemas]]
path = "schemas/money.avsc"
subject = "money"
"""
    )
    assert rules(lint(run, "schemas/money.avsc")) == []
    (project / "accord.toml").write_text('[[schemas]]\npath = "schemas/money.avsc"\nsubject = "money"\n')
    assert rules(lint(run)) == ["ACC001"]  # on its own, Money is linted as an event


def test_acc002_every_field_is_documented_in_avro_and_json_schema(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(
        avro_record("OrderCreated", {"name": "id", "type": "string"})
    )
    (project / "schemas" / "orders.json").write_text(json.dumps(ORDER_JSON, indent=2))
    config = project / "accord.toml"
    config.write_text(
        config.read_text() + '\n[[schemas]]\npath = "schemas/orders.json"\nsubject = "orders-json"\n'
    )

    result = lint(run)

    assert result.exit_code == EXIT_CLEAN  # ACC002 is a warning unless configured otherwise
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"], f["file"], f["line"], f["message"]) for f in findings] == [
        ("ACC002", "warning", "schemas/orders.avsc", 6, "field 'id' has no doc: say what it means"),
        (
            "ACC002",
            "warning",
            "schemas/orders.json",
            9,
            "field 'lines' has no description: say what it means",
        ),
        ("ACC002", "warning", "schemas/orders.json", 14, "field 'sku' has no description: say what it means"),
    ]
    assert lint(run, "--strict").exit_code == EXIT_VIOLATIONS


def test_acc005_a_modelled_envelope_is_complete(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", *ENVELOPE))

    result = lint(run)

    messages = [finding["message"] for finding in json.loads(result.stdout)["findings"]]
    assert messages == ["the envelope has no 'eventVersion' field", "the envelope has no 'causationId' field"]


def test_history_rules_against_git(run, project: Path):
    orders = project / "schemas" / "orders.avsc"
    git(project, "init", "--quiet")
    orders.write_text(avro_record("OrderCreated", ID, TOTAL))
    git(project, "add", "-A")
    git(project, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "--quiet", "-m", "one")
    orders.write_text(avro_record("OrderCreated", ID, {"name": "note", "type": "string", "doc": "n"}))

    result = lint(run, "--against", "git:HEAD")

    assert result.exit_code == EXIT_VIOLATIONS
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["ACC004", "ACC003"]  # by line: the fields list, then 'note'
    assert findings[0]["line"] < findings[1]["line"]
    assert findings[1]["message"].startswith("new required field 'note' has no default")
    assert findings[0]["message"].startswith("field 'total' was removed")
    assert "OrderCreatedV2" in findings[0]["message"]


def test_a_new_event_type_may_drop_fields(run, project: Path):
    orders = project / "schemas" / "orders.avsc"
    git(project, "init", "--quiet")
    orders.write_text(avro_record("OrderCreated", ID, TOTAL))
    git(project, "add", "-A")
    git(project, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "--quiet", "-m", "one")
    orders.write_text(avro_record("OrderCreatedV2", ID))

    assert rules(lint(run, "--against", "git:HEAD")) == []


def test_history_rules_against_the_registry(run, project: Path, registry_url: str):
    orders = project / "schemas" / "orders.avsc"
    orders.write_text(avro_record("OrderCreated", ID, TOTAL))
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    orders.write_text(avro_record("OrderCreated", ID))

    assert rules(lint(run, "--against", "registry", "--registry", registry_url)) == ["ACC004"]


def test_rules_can_be_disabled_by_id_or_name(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(
        avro_record("CreateOrder", {"name": "id", "type": "string"})
    )
    config = project / "accord.toml"
    config.write_text(config.read_text() + '\n[lint]\ndisable = ["ACC001", "field-documented"]\n')

    assert lint(run).exit_code == EXIT_CLEAN


def test_an_unknown_rule_is_a_configuration_error(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    config = project / "accord.toml"
    config.write_text(config.read_text() + '\n[lint]\ndisable = ["ACC999"]\n')

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert "unknown rule 'ACC999'" in result.stderr


def test_baseline_lets_a_repository_adopt_the_rules(run, project: Path):
    orders = project / "schemas" / "orders.avsc"
    orders.write_text(avro_record("OrderCreated", {"name": "id", "type": "string"}))

    written = run("schema", "lint", "--write-baseline")
    after = lint(run)
    orders.write_text(
        avro_record("OrderCreated", {"name": "id", "type": "string"}, {"name": "x", "type": "int"})
    )
    new_problem = lint(run, "--strict")  # ACC002 is a warning: --strict fails on it

    assert written.exit_code == EXIT_CLEAN
    assert "wrote 1 finding(s)" in written.stdout
    baseline = json.loads((project / "accord-lint-baseline.json").read_text())
    assert baseline["findings"][0]["file"] == "schemas/orders.avsc"
    assert after.exit_code == EXIT_CLEAN
    assert new_problem.exit_code == EXIT_VIOLATIONS
    assert [f["message"] for f in json.loads(new_problem.stdout)["findings"]] == [
        "field 'x' has no doc: say what it means"
    ]


def test_a_broken_baseline_is_a_configuration_error(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    (project / "accord-lint-baseline.json").write_text("[1, 2]")

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert "is not a lint baseline" in result.stderr
