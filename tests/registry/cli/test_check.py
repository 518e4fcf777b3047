"""`accord schema check`: against a git ref (no registry) and against a real registry, in every format."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, TOTAL_AS_STRING, avro_record, git, subject


def test_against_git_reports_breaks_new_and_deleted_subjects(run, repository: Path):
    result = run("schema", "check", "--against", "git:HEAD~1")

    assert result.exit_code == EXIT_VIOLATIONS
    orders, payments = subject(repository, "orders"), subject(repository, "payments")
    assert (
        f"✗ {orders} schemas/orders.avsc: not compatible with the file at HEAD~1 (BACKWARD)" in result.stdout
    )
    assert (
        f"✓ {payments} schemas/payments.avsc: compatible with the file at HEAD~1 (BACKWARD)" in result.stdout
    )
    assert "schemas/shipments.avsc: new subject, nothing at HEAD~1 to break" in result.stdout
    assert "error TYPE_MISMATCH schemas/orders.avsc:7:23:" in result.stdout
    assert "error SUBJECT_DELETED schemas/refunds.avsc:" in result.stdout
    assert "deleted since HEAD~1" in result.stdout


def test_against_git_passes_when_nothing_breaks(run, repository: Path):
    assert run("schema", "check", "--against", "git:HEAD").exit_code == EXIT_CLEAN
    result = run("schema", "check", "schemas/payments.avsc", "--against", "git:main~1")

    assert result.exit_code == EXIT_CLEAN
    assert "passed, 0 errors (1 item checked)" in result.stdout
    assert "SUBJECT_DELETED" not in result.stdout  # only a full check reports deleted subjects


def test_against_git_uses_the_level_of_the_config(run, repository: Path):
    config = repository / "accord.toml"
    config.write_text('compatibility = "NONE"\n' + config.read_text())

    assert run("schema", "check", "schemas/orders.avsc", "--against", "git:HEAD~1").exit_code == EXIT_CLEAN


def test_against_git_when_the_ref_had_no_config_everything_is_new(run, repository: Path):
    git(repository, "mv", "accord.toml", "accord-later.toml")
    git(repository, "commit", "--quiet", "-m", "rename the config")
    git(repository, "mv", "accord-later.toml", "accord.toml")

    result = run("schema", "check", "--against", "git:HEAD")

    assert result.exit_code == EXIT_CLEAN
    assert result.stdout.count("new subject") == 3


def test_against_git_with_a_config_in_a_subdirectory(run, repository: Path, monkeypatch):
    nested = repository / "service"
    nested.mkdir()
    git(repository, "mv", "accord.toml", "service/accord.toml")
    git(repository, "mv", "schemas", "service/schemas")
    git(repository, "commit", "--quiet", "-m", "move into service/")
    broken = nested / "schemas" / "payments.avsc"
    broken.write_text(avro_record("PaymentReceived", {"name": "id", "type": "int"}))
    monkeypatch.chdir(repository)

    result = run("schema", "check", "--config", "service/accord.toml", "--against", "git:HEAD")

    assert result.exit_code == EXIT_VIOLATIONS
    assert "error TYPE_MISMATCH service/schemas/payments.avsc:6:" in result.stdout


@pytest.mark.parametrize(
    ("against", "message"),
    [
        ("git:no-such-branch", "unknown git ref 'no-such-branch'"),
        ("svn:trunk", "--against takes git:REF"),
    ],
)
def test_bad_refs_are_usage_errors(run, repository: Path, against, message):
    result = run("schema", "check", "--against", against)

    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_against_git_outside_a_repository_is_an_error(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))

    result = run("schema", "check", "--against", "git:HEAD")

    assert result.exit_code == EXIT_ERROR
    assert "is not inside a git repository" in result.stderr


def test_every_format_of_a_failing_check(run, repository: Path, tmp_path: Path):
    arguments = ("schema", "check", "--against", "git:HEAD~1", "--format")

    github = run(*arguments, "github")
    junit = run(*arguments, "junit")
    gitlab = run(*arguments, "gitlab")
    as_json = run(*arguments, "json")

    assert {github.exit_code, junit.exit_code, gitlab.exit_code, as_json.exit_code} == {EXIT_VIOLATIONS}
    assert "::error file=schemas/orders.avsc,line=7,col=23,title=TYPE_MISMATCH::" in github.stdout
    assert "::error file=schemas/refunds.avsc,title=SUBJECT_DELETED::" in github.stdout
    suite = ElementTree.fromstring(junit.stdout).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    issues = json.loads(gitlab.stdout)
    assert {issue["check_name"] for issue in issues} >= {"TYPE_MISMATCH", "SUBJECT_DELETED"}
    assert all(issue["severity"] == "major" for issue in issues)
    document = json.loads(as_json.stdout)
    assert document["passed"] is False
    assert document["findings"][0]["file"] == "schemas/orders.avsc"


def test_output_file_gets_the_format_and_stdout_the_text(run, repository: Path, tmp_path: Path):
    report = tmp_path / "junit.xml"

    result = run("schema", "check", "--against", "git:HEAD~1", "--format", "junit", "--output", str(report))

    assert result.exit_code == EXIT_VIOLATIONS
    assert ElementTree.parse(report).getroot().tag == "testsuites"
    assert "accord schema check: failed" in result.stdout


def test_against_the_registry_with_its_verbose_reasons(run, repository: Path, registry_url: str):
    orders = repository / "schemas" / "orders.avsc"
    orders.write_text(avro_record("OrderCreated", ID, TOTAL))
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    orders.write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))

    result = run("schema", "check", "--registry", registry_url)
    clean = run("schema", "check", "schemas/payments.avsc", "--registry", registry_url)

    assert result.exit_code == EXIT_VIOLATIONS
    assert (
        f"✗ {subject(repository, 'orders')} schemas/orders.avsc: not compatible with the registry at BACKWARD"
        in (result.stdout)
    )
    assert "error TYPE_MISMATCH schemas/orders.avsc:7:23:" in result.stdout  # the registry's path's line
    assert clean.exit_code == EXIT_CLEAN
    assert "already registered as version 1" in clean.stdout


def test_registry_url_from_the_environment(run, repository: Path, registry_url: str):
    result = run("schema", "check", "schemas/payments.avsc", env={"ACCORD_REGISTRY_URL": registry_url})

    assert result.exit_code == EXIT_CLEAN


def test_registry_url_from_the_config(run, repository: Path, registry_url: str):
    config = repository / "accord.toml"
    config.write_text(f'registry = "{registry_url}"\n' + config.read_text())

    assert run("schema", "check", "schemas/payments.avsc").exit_code == EXIT_CLEAN


def test_a_file_outside_the_config_is_a_usage_error(run, repository: Path):
    (repository / "stray.avsc").write_text(avro_record("StrayEvent", ID))

    result = run("schema", "check", "stray.avsc", "--against", "git:HEAD")

    assert result.exit_code == EXIT_ERROR
    assert "stray.avsc is not mapped to a subject in accord.toml" in result.stderr
