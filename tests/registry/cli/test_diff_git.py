"""`accord schema diff` with `git:REF:PATH` on either side: a file as it was at a git ref."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import git


def test_the_working_file_against_a_ref(run, repository: Path):
    result = run("schema", "diff", "git:HEAD~1:schemas/orders.avsc", "schemas/orders.avsc")

    assert result.exit_code == EXIT_VIOLATIONS
    assert "HEAD~1:schemas/orders.avsc -> schemas/orders.avsc not compatible with" in result.stdout
    assert "error TYPE_MISMATCH schemas/orders.avsc:7:23:" in result.stdout


def test_two_refs_and_a_path_relative_to_the_working_directory(run, repository: Path, monkeypatch):
    """Annotations name the file from the repository root, where GitHub places them."""
    monkeypatch.chdir(repository / "schemas")
    git(repository, "tag", "first", "HEAD~1")

    compatible = run("schema", "diff", "git:first:payments.avsc", "git:main:payments.avsc")
    breaking = run("schema", "diff", "git:first:orders.avsc", "git:HEAD:orders.avsc", "--format", "github")

    assert compatible.exit_code == EXIT_CLEAN, compatible.stderr
    assert (
        "✓ first:payments.avsc -> main:payments.avsc compatible with first:payments.avsc" in compatible.stdout
    )
    assert breaking.exit_code == EXIT_VIOLATIONS
    assert "::error file=schemas/orders.avsc,line=7,col=23,title=TYPE_MISMATCH::" in breaking.stdout


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("git:no-such-ref:schemas/orders.avsc", "unknown git ref 'no-such-ref'"),
        ("git:HEAD:schemas/nothing.avsc", "schemas/nothing.avsc does not exist at HEAD"),
        ("git:HEAD", "'git:HEAD' is not git:REF:PATH"),
    ],
    ids=["unknown-ref", "missing-file", "no-path"],
)
def test_bad_git_sides_are_usage_errors(run, repository: Path, old, message):
    result = run("schema", "diff", old, "schemas/orders.avsc")

    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr
