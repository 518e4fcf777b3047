"""`.json` schema files through every `accord schema` command and through export/import: against a git
ref, against a real registry (its verbose reasons), two files, register with references, lint, and a
migration that keeps JSON schemas and their references. Annotations land on the line the path names."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS
from tests.registry.cli.conftest import commit_all
from tests.registry.cli.test_transfer import contents, post

ORDER = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "OrderCreated",
    "type": "object",
    "properties": {
        "orderId": {"type": "string", "description": "The order's id"},
        "total": {"type": "number", "description": "Total in euros"},
    },
    "required": ["orderId"],
}
ORDER_TOTAL_AS_STRING = {
    **ORDER,
    "properties": {**ORDER["properties"], "total": {"type": "string", "description": "Total, as text"}},
}
ORDER_WITH_ANY_NOTE = {**ORDER, "properties": {**ORDER["properties"], "note": {"description": "Free text"}}}
ADDRESS = {
    "title": "Address",
    "type": "object",
    "properties": {"city": {"type": "string", "description": "The city"}},
    "required": ["city"],
}
CUSTOMER = {
    "title": "CustomerRegistered",
    "type": "object",
    "properties": {"home": {"$ref": "address.json"}},
    "required": ["home"],
}


def write(path: Path, document: dict) -> str:
    """The schema as a person writes it: two-space indents, one property per line."""
    text = json.dumps(document, indent=2) + "\n"
    path.write_text(text)
    return text


def position(text: str, key: str, *, after: str = '"properties"') -> tuple[int, int]:
    """The 1-based line and column of the first `"key"` after `after`."""
    offset = text.index(f'"{key}"', text.index(after))
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


@pytest.fixture
def json_project(project: Path) -> Path:
    """The test project, mapping schemas/*.json to subjects (JSON Schema by their suffix)."""
    config = project / "accord.toml"
    config.write_text(config.read_text().replace("schemas/*.avsc", "schemas/*.json"))
    return project


def subject_of(project: Path, stem: str) -> str:
    prefix = (project / "accord.toml").read_text().split('subject = "')[1].split("{stem}")[0]
    return f"{prefix}{stem}-value"


def test_check_against_git_annotates_json_breaks_on_their_lines(run, json_project: Path):
    schemas = json_project / "schemas"
    write(schemas / "orders.json", ORDER)
    write(schemas / "payments.json", {**ORDER, "title": "PaymentReceived"})
    commit_all(json_project, "first")
    text = write(schemas / "orders.json", ORDER_TOTAL_AS_STRING)
    write(schemas / "payments.json", {**ORDER_WITH_ANY_NOTE, "title": "PaymentReceived"})

    result = run("schema", "check", "--against", "git:HEAD", "--format", "github")
    as_text = run("schema", "check", "--against", "git:HEAD")

    assert result.exit_code == EXIT_VIOLATIONS
    line, column = position(text, "total")
    [annotation] = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert annotation.startswith(
        f"::error file=schemas/orders.json,line={line},col={column},title=TYPE_CHANGED::A type at path "
        "'#/properties/total' is different between the new schema and the old schema"
    )
    orders, payments = subject_of(json_project, "orders"), subject_of(json_project, "payments")
    assert (
        f"✗ {orders} schemas/orders.json: not compatible with the file at HEAD (BACKWARD)" in as_text.stdout
    )
    assert (
        f"✓ {payments} schemas/payments.json: compatible with the file at HEAD (BACKWARD)" in as_text.stdout
    )


def test_check_against_the_registry_annotates_its_reasons_on_the_line_for_json_and_avro(
    run, json_project: Path, registry_url: str
):
    config = json_project / "accord.toml"
    config.write_text(config.read_text() + "\n" + config.read_text().replace("*.json", "*.avsc"))
    schemas = json_project / "schemas"
    write(schemas / "orders.json", ORDER)
    avro = {
        "type": "record",
        "name": "PaymentReceived",
        "fields": [{"name": "id", "type": "string"}, {"name": "cents", "type": "long"}],
    }
    write(schemas / "payments.avsc", avro)
    registered = run("schema", "register", "--registry", registry_url)
    assert registered.exit_code == EXIT_CLEAN, registered.stderr
    json_text = write(schemas / "orders.json", ORDER_TOTAL_AS_STRING)
    avro_text = write(
        schemas / "payments.avsc",
        {**avro, "fields": [avro["fields"][0], {"name": "cents", "type": "string"}]},
    )

    result = run("schema", "check", "--registry", registry_url, "--format", "json")

    assert result.exit_code == EXIT_VIOLATIONS
    found = {
        finding["rule"]: (finding["file"], finding["line"], finding["column"])
        for finding in json.loads(result.stdout)["findings"]
    }
    assert found == {
        "TYPE_CHANGED": ("schemas/orders.json", *position(json_text, "total")),
        # the Avro reason's "at path '#/fields/1/type'" lands on the field's "type"
        "TYPE_MISMATCH": ("schemas/payments.avsc", *position(avro_text, "type", after='"cents"')),
    }


def test_diff_of_two_json_files(run, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "old.json", ORDER)
    write(tmp_path / "compatible.json", ORDER_WITH_ANY_NOTE)
    new_text = write(tmp_path / "breaking.json", ORDER_TOTAL_AS_STRING)
    (tmp_path / "broken.json").write_text('{\n  "type": "object",\n  "required": "orderId"\n}\n')

    compatible = run("schema", "diff", "old.json", "compatible.json")
    breaking = run("schema", "diff", "old.json", "breaking.json", "--format", "json")
    anything_goes = run("schema", "diff", "old.json", "breaking.json", "--level", "NONE")
    broken = run("schema", "diff", "old.json", "broken.json", "--format", "json")

    assert compatible.exit_code == EXIT_CLEAN
    assert "✓ old.json -> compatible.json compatible with old.json (BACKWARD)" in compatible.stdout
    assert breaking.exit_code == EXIT_VIOLATIONS
    [finding] = json.loads(breaking.stdout)["findings"]
    assert (finding["rule"], finding["file"], finding["line"]) == (
        "TYPE_CHANGED",
        "breaking.json",
        position(new_text, "total")[0],
    )
    assert "the new schema cannot read data written with old.json" in finding["message"]
    assert anything_goes.exit_code == EXIT_CLEAN
    assert broken.exit_code == EXIT_VIOLATIONS
    [invalid] = json.loads(broken.stdout)["findings"]
    assert (invalid["rule"], invalid["line"]) == ("INVALID_SCHEMA", 3)
    assert "breaks the draft-07 metaschema" in invalid["message"]


def test_register_json_files_with_references_then_check_them(run, json_project: Path, registry_url: str):
    schemas = json_project / "schemas"
    write(schemas / "address.json", ADDRESS)
    write(schemas / "customer.json", CUSTOMER)
    prefix = subject_of(json_project, "x").removesuffix("x-value")
    (json_project / "accord.toml").write_text(
        f"""
[[schemas]]
path = "schemas/customer.json"
subject = "{prefix}customer-value"
references = [{{ name = "address.json", path = "schemas/address.json" }}]

[[schemas]]
path = "schemas/address.json"
subject = "{prefix}address"
"""
    )

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    assert dry.exit_code == EXIT_CLEAN
    assert "would register a new version" in dry.stdout
    assert httpx.get(f"{registry_url}/subjects/{prefix}address/versions").status_code == 404

    first = run("schema", "register", "--registry", registry_url)
    again = run("schema", "register", "--registry", registry_url)

    assert first.exit_code == EXIT_CLEAN, first.stdout
    assert first.stdout.index("address") < first.stdout.index("customer-value")
    customer = httpx.get(f"{registry_url}/subjects/{prefix}customer-value/versions/1").json()
    assert customer["schemaType"] == "JSON"
    assert customer["references"] == [{"name": "address.json", "subject": f"{prefix}address", "version": 1}]
    assert json.loads(customer["schema"]) == CUSTOMER
    assert "already registered as version 1" in again.stdout
    # a break inside the referenced file is a break of the schema that references it
    write(schemas / "address.json", {**ADDRESS, "properties": {"city": {"type": "integer"}}})
    checked = run(
        "schema", "check", "schemas/address.json", "--against", "registry", "--registry", registry_url
    )
    assert checked.exit_code == EXIT_VIOLATIONS, checked.stdout
    assert "TYPE_CHANGED schemas/address.json" in checked.stdout


def test_lint_json_schemas_against_their_previous_version(run, json_project: Path):
    schemas = json_project / "schemas"
    write(schemas / "orders.json", ORDER)
    commit_all(json_project, "first")
    changed = {
        **ORDER,
        "properties": {
            "orderId": ORDER["properties"]["orderId"],
            "currency": {"type": "string", "description": "ISO 4217"},
        },
        "required": ["orderId", "currency"],
    }
    text = write(schemas / "orders.json", changed)

    result = run("schema", "lint", "--against", "git:HEAD", "--format", "json")

    assert result.exit_code == EXIT_VIOLATIONS
    findings = [(f["rule"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [  # by line
        (
            "ACC004",
            position(text, "properties", after='"type"')[0],
            "field 'total' was removed: consumers may still read it. Publish a new event type (like "
            "OrderCreatedV2) instead",
        ),
        (
            "ACC003",
            position(text, "currency")[0],
            "new required field 'currency' has no default, so data written before it cannot be read: give it "
            "a default",
        ),
    ]


def test_export_and_import_keep_json_schemas_and_their_references(run, fresh_registry, tmp_path: Path):
    source, target = fresh_registry("source"), fresh_registry("target")
    post(source, "/subjects/address/versions", {"schema": json.dumps(ADDRESS), "schemaType": "JSON"})
    reference = {"name": "address.json", "subject": "address", "version": 1}
    post(
        source,
        "/subjects/customer-value/versions",
        {"schema": json.dumps(CUSTOMER), "schemaType": "JSON", "references": [reference]},
    )
    assert (
        httpx.put(f"{source}/config/customer-value", json={"compatibilityPolicy": "LENIENT"}).status_code
        == 200
    )

    exported = run("export", str(tmp_path / "export"), "--registry", source)
    imported = run("import", str(tmp_path / "export"), "--registry", target)

    assert exported.exit_code == EXIT_CLEAN, exported.stderr
    assert sorted(path.name for path in (tmp_path / "export" / "schemas").iterdir()) == ["1.json", "2.json"]
    assert imported.exit_code == EXIT_CLEAN, imported.stderr
    assert contents(target) == contents(source)
    assert httpx.get(f"{target}/schemas/ids/2").json()["schemaType"] == "JSON"
    assert httpx.get(f"{target}/config/customer-value").json()["compatibilityPolicy"] == "LENIENT"


ORDER_WITH_TYPED_NOTE = {
    **ORDER,
    "properties": {**ORDER["properties"], "note": {"type": "string", "description": "Free text"}},
}


def test_the_configured_policy_judges_json_files_offline_as_the_registry_would(
    run, json_project: Path, tmp_path: Path
):
    schemas = json_project / "schemas"
    write(schemas / "orders.json", ORDER)
    commit_all(json_project, "first")
    write(schemas / "orders.json", ORDER_WITH_TYPED_NOTE)
    write(tmp_path / "old.json", ORDER)
    write(tmp_path / "new.json", ORDER_WITH_TYPED_NOTE)

    strict = run("schema", "check", "--against", "git:HEAD")
    config = json_project / "accord.toml"
    config.write_text('policy = "LENIENT"\n' + config.read_text())
    lenient = run("schema", "check", "--against", "git:HEAD")
    diff_strict = run("schema", "diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    diff_lenient = run(
        "schema", "diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--policy", "LENIENT"
    )

    assert strict.exit_code == EXIT_VIOLATIONS
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL schemas/orders.json" in strict.stdout
    assert lenient.exit_code == EXIT_CLEAN, lenient.stdout
    assert (diff_strict.exit_code, diff_lenient.exit_code) == (EXIT_VIOLATIONS, EXIT_CLEAN)


def test_register_applies_a_declared_policy(run, json_project: Path, registry_url: str):
    schemas = json_project / "schemas"
    write(schemas / "orders.json", ORDER)
    config = json_project / "accord.toml"
    config.write_text(config.read_text() + 'policy = "LENIENT"\n')
    orders = subject_of(json_project, "orders")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    assert "would set policy to LENIENT, would register a new version" in dry.stdout
    assert httpx.get(f"{registry_url}/config/{orders}").status_code == 404

    first = run("schema", "register", "--registry", registry_url)
    write(schemas / "orders.json", ORDER_WITH_TYPED_NOTE)
    second = run("schema", "register", "--registry", registry_url)

    assert first.exit_code == EXIT_CLEAN, first.stdout
    assert "policy set to LENIENT, registered as version 1" in first.stdout
    assert httpx.get(f"{registry_url}/config/{orders}").json()["compatibilityPolicy"] == "LENIENT"
    # under LENIENT the registry takes the typed optional property STRICT would refuse
    assert second.exit_code == EXIT_CLEAN, second.stdout
    assert "registered as version 2" in second.stdout
    assert "policy set" not in second.stdout
