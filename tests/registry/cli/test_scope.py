"""--path and --changed-since git:REF: check and lint only what a pull request touched."""

from __future__ import annotations

import json
from pathlib import Path

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, TOTAL_AS_STRING, avro_record, commit_all, git, subject


def checked(result) -> list[str]:
    return [case["name"] for case in json.loads(result.stdout)["cases"]]


def write_config(project: Path, prefix: str) -> None:
    (project / "accord.toml").write_text(
        f'[[schemas]]\npath = "schemas/orders.avsc"\nsubject = "{prefix}orders-value"\n\n'
        f'[[schemas]]\npath = "schemas/payments.avsc"\nsubject = "{prefix}payments-value"\n\n'
        f'[[schemas]]\npath = "schemas/money.avsc"\nsubject = "{prefix}money"\n\n'
        f'[[schemas]]\npath = "schemas/prices.avsc"\nsubject = "{prefix}prices-value"\n'
        'references = [{ name = "com.acme.Money", path = "schemas/money.avsc" }]\n\n'
        f'[[schemas]]\npath = "schemas/events/*.avsc"\nsubject = "{prefix}{{stem}}-value"\n'
    )


def repository(project: Path) -> str:
    """main: orders, payments, money (which prices refers to), events/shipments; then branch `pr`.
    Returns the test's subject prefix."""
    prefix = subject(project, "x").removesuffix("x-value")
    schemas = project / "schemas"
    (schemas / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    (schemas / "payments.avsc").write_text(avro_record("PaymentReceived", ID, TOTAL))
    (schemas / "money.avsc").write_text(avro_record("Money", {"name": "cents", "type": "long", "doc": "c"}))
    (schemas / "prices.avsc").write_text(
        avro_record("PriceChanged", {"name": "price", "type": "com.acme.Money", "doc": "p"})
    )
    (schemas / "events").mkdir()
    (schemas / "events" / "shipments.avsc").write_text(avro_record("ShipmentDispatched", ID))
    write_config(project, prefix)
    commit_all(project, "main")
    git(project, "checkout", "--quiet", "-b", "pr")
    return prefix


def test_path_limits_check_and_lint_and_is_repeatable(run, project: Path):
    prefix = repository(project)
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))

    one = run("schema", "check", "--against", "git:main", "--path", "schemas/payments.avsc", "-f", "json")
    two = run(
        "schema", "check", "--against", "git:main", "--path", "schemas/payments.avsc",
        "--path", "schemas/orders.avsc", "-f", "json",
    )  # fmt: skip
    linted = run("schema", "lint", "--path", "schemas/money.avsc", "-f", "json")

    assert one.exit_code == EXIT_CLEAN
    assert checked(one) == [f"{prefix}payments-value"]
    assert two.exit_code == EXIT_VIOLATIONS
    assert sorted(checked(two)) == sorted([f"{prefix}orders-value", f"{prefix}payments-value"])
    assert [case["name"] for case in json.loads(linted.stdout)["cases"]] == [f"{prefix}money"]


def test_changed_since_checks_the_changed_files_and_those_that_refer_to_them(run, project: Path):
    prefix = repository(project)
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    commit_all(project, "break orders")
    (project / "schemas" / "money.avsc").write_text(
        avro_record(
            "Money",
            {"name": "cents", "type": "long", "doc": "c"},
            {"name": "c", "type": "string", "default": "EUR", "doc": "d"},
        )
    )  # not committed: the working tree counts too

    result = run("schema", "check", "--against", "git:main", "--changed-since", "git:main", "-f", "json")

    assert sorted(checked(result)) == [f"{prefix}money", f"{prefix}orders-value", f"{prefix}prices-value"]
    assert result.exit_code == EXIT_VIOLATIONS


def test_changed_since_counts_untracked_files_and_passes_when_nothing_changed(run, project: Path):
    prefix = repository(project)

    nothing = run("schema", "lint", "--changed-since", "git:main", "-f", "json")
    (project / "schemas" / "events" / "refunds.avsc").write_text(avro_record("RefundIssued", ID))
    untracked = run("schema", "lint", "--changed-since", "git:main", "-f", "json")

    assert nothing.exit_code == EXIT_CLEAN
    assert checked(nothing) == []
    assert checked(untracked) == [f"{prefix}refunds-value"]


def test_the_merge_base_is_the_base_so_main_moving_on_changes_nothing(run, project: Path):
    prefix = repository(project)
    (project / "schemas" / "payments.avsc").write_text(avro_record("PaymentReceived", ID, TOTAL_AS_STRING))
    commit_all(project, "pr: break payments")
    git(project, "checkout", "--quiet", "main")
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    commit_all(project, "main moves on")
    git(project, "checkout", "--quiet", "pr")

    result = run("schema", "check", "--against", "git:main", "--changed-since", "git:main", "-f", "json")

    assert checked(result) == [f"{prefix}payments-value"]
    assert result.exit_code == EXIT_VIOLATIONS


def test_a_deleted_schema_file_checks_everything_so_the_deleted_subject_is_reported(run, project: Path):
    repository(project)
    (project / "schemas" / "events" / "shipments.avsc").unlink()
    (project / "schemas" / "events" / "refunds.avsc").write_text(avro_record("RefundIssued", ID))

    result = run("schema", "check", "--against", "git:main", "--changed-since", "git:main", "-f", "json")

    rules = [finding["rule"] for finding in json.loads(result.stdout)["findings"]]
    assert result.exit_code == EXIT_VIOLATIONS
    assert rules == ["SUBJECT_DELETED"]
    assert len(checked(result)) == 6  # five files and the deleted subject


def test_a_changed_config_checks_everything(run, project: Path):
    repository(project)
    config = project / "accord.toml"
    config.write_text('compatibility = "FULL"\n' + config.read_text())

    result = run("schema", "lint", "--changed-since", "git:main", "-f", "json")

    assert len(checked(result)) == 5


def test_changed_since_needs_a_git_ref(run, project: Path):
    repository(project)

    wrong = run("schema", "check", "--against", "git:main", "--changed-since", "main")
    unknown = run("schema", "check", "--against", "git:main", "--changed-since", "git:nope")

    assert wrong.exit_code == EXIT_ERROR
    assert "--changed-since takes git:REF" in wrong.stderr
    assert unknown.exit_code == EXIT_ERROR
    assert "unknown git ref 'nope'" in unknown.stderr
