"""`accord schema diff OLD NEW`: two files, no configuration, no registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, NOTE_WITH_DEFAULT, TOTAL, TOTAL_AS_STRING, avro_record


@pytest.fixture
def files(tmp_path: Path, monkeypatch) -> tuple[Path, Path, Path]:
    monkeypatch.chdir(tmp_path)
    old, compatible, breaking = (
        tmp_path / "old.avsc",
        tmp_path / "compatible.avsc",
        tmp_path / "breaking.avsc",
    )
    old.write_text(avro_record("OrderCreated", ID, TOTAL))
    compatible.write_text(avro_record("OrderCreated", ID, TOTAL, NOTE_WITH_DEFAULT))
    breaking.write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    return old, compatible, breaking


def test_a_compatible_change_passes(run, files):
    result = run("schema", "diff", "old.avsc", "compatible.avsc")

    assert result.exit_code == EXIT_CLEAN
    assert "✓ old.avsc -> compatible.avsc compatible with old.avsc (BACKWARD)" in result.stdout


def test_a_breaking_change_names_type_line_and_direction(run, files):
    result = run("schema", "diff", "old.avsc", "breaking.avsc", "--format", "json")

    assert result.exit_code == EXIT_VIOLATIONS
    finding = json.loads(result.stdout)["findings"][0]
    assert (finding["rule"], finding["file"], finding["line"]) == ("TYPE_MISMATCH", "breaking.avsc", 7)
    assert "the new schema cannot read data written with old.avsc" in finding["message"]


@pytest.mark.parametrize(("level", "exit_code"), [("NONE", EXIT_CLEAN), ("FORWARD", EXIT_VIOLATIONS)])
def test_the_level_decides(run, files, level, exit_code):
    result = run("schema", "diff", "old.avsc", "breaking.avsc", "--level", level)

    assert result.exit_code == exit_code


def test_forward_only_checks_that_old_readers_cope(run, files):
    # Adding a field with a default is both ways compatible; removing one breaks FORWARD only if
    # the old reader has no default for it.
    result = run("schema", "diff", "compatible.avsc", "old.avsc", "--level", "FULL")

    assert result.exit_code == EXIT_CLEAN


def test_a_file_that_does_not_parse_is_a_finding(run, files, tmp_path: Path):
    (tmp_path / "broken.avsc").write_text('{"type": "record", "name": "X"}')

    result = run("schema", "diff", "old.avsc", "broken.avsc")

    assert result.exit_code == EXIT_VIOLATIONS
    assert "error INVALID_SCHEMA broken.avsc" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("old.avsc", "missing.avsc"), "missing.avsc is not a file"),
        (("old.avsc", "notes.txt"), "cannot tell the schema type of notes.txt"),
    ],
)
def test_usage_errors(run, files, tmp_path: Path, arguments, message):
    (tmp_path / "notes.txt").write_text("{}")

    result = run("schema", "diff", *arguments)

    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_type_can_be_given(run, files, tmp_path: Path):
    (tmp_path / "copy.txt").write_text((tmp_path / "old.avsc").read_text())

    assert run("schema", "diff", "old.avsc", "copy.txt", "--type", "AVRO").exit_code == EXIT_CLEAN
