"""Every file in scope is parsed and validated, new subject or not, in every command: an invalid
schema is an error on its line, and a reference that cannot be found names the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli.errors import EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, avro_record, commit_all

UNKNOWN_TYPE = avro_record("OrderCreated", ID, {"name": "note", "type": "strin", "doc": "A note"})
BAD_DEFAULT = avro_record("OrderCreated", ID, {"name": "count", "type": "int", "default": "x", "doc": "N"})
BAD_JSON_SCHEMA = json.dumps(
    {"title": "OrderCreated", "type": "object", "properties": {"id": {"type": "strin", "description": "Id"}}},
    indent=2,
)


def _new_file(project: Path, name: str, text: str) -> None:
    """A git repository whose HEAD has the config only, and a new schema file in the work tree."""
    config = project / "accord.toml"
    config.write_text(config.read_text().replace("*.avsc", f"*{Path(name).suffix}"))
    commit_all(project, "config only")
    (project / "schemas" / name).write_text(text)


@pytest.mark.parametrize(
    ("name", "text", "position", "words"),
    [
        ("orders.avsc", UNKNOWN_TYPE, "7:22", 'Unknown type "strin"'),
        (
            "orders.avsc",
            BAD_DEFAULT,
            "7:38",
            'expected an int (a whole number from -2147483648 to 2147483647), found "x"',
        ),
        ("orders.json", BAD_JSON_SCHEMA, "6:7", "'strin' is not valid under any of the given schemas"),
    ],
    ids=["unknown-type", "bad-default", "json-schema"],
)
def test_a_new_invalid_file_fails_every_check(run, project, registry_url, name, text, position, words):
    _new_file(project, name, text)
    against_git = run("schema", "check", "--against", "git:HEAD")
    against_registry = run("schema", "check", "--registry", registry_url)
    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    lint = run("schema", "lint")

    for result in (against_git, against_registry, dry, lint):
        assert result.exit_code == EXIT_VIOLATIONS, result.stdout
        assert f"error INVALID_SCHEMA schemas/{name}:{position}: " in result.stdout, result.stdout
        assert words in result.stdout
    assert "new subject" not in against_git.stdout
    assert f"schemas/{name}: not a valid schema" in against_git.stdout


def test_github_annotations_place_an_invalid_file_on_its_line(run, project):
    _new_file(project, "orders.avsc", UNKNOWN_TYPE)

    result = run("schema", "check", "--against", "git:HEAD", "--format", "github")

    assert "::error file=schemas/orders.avsc,line=7,col=22,title=INVALID_SCHEMA::" in result.stdout


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        (
            '{ name = "com.acme.Money", subject = "no-such-subject", version = 1 }',
            "no-such-subject version 1",
        ),
        ('{ name = "com.acme.Money", path = "schemas/money.avsc" }', "points at schemas/money.avsc"),
    ],
    ids=["registry-subject", "project-file"],
)
def test_a_missing_reference_names_the_file(run, project, registry_url, reference, words):
    (project / "schemas" / "price.avsc").write_text(
        avro_record("PriceChanged", {"name": "price", "type": "com.acme.Money", "doc": "The price"})
    )
    config = project / "accord.toml"
    config.write_text(config.read_text() + f"references = [{reference}]\n")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    check = run("schema", "check", "--registry", registry_url)

    for result in (dry, check):
        assert result.exit_code == EXIT_VIOLATIONS, result.stderr
        assert "error REFERENCE_NOT_FOUND schemas/price.avsc: reference 'com.acme.Money'" in result.stdout
        assert words in result.stdout
