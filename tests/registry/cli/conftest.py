"""Fixtures of the CLI suites: real `accord serve` processes, a project of schema files in a real
git repository with two commits, and a runner for the `accord` app."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from registry.cli import app
from tests.support.databases import copy_sqlite, migrated_sqlite
from tests.support.servers import running_registry

Run = Callable[..., Result]


def avro_record(name: str, *fields: dict[str, Any], namespace: str = "com.acme") -> str:
    """An Avro record schema, one field per line, as a person would write the file."""
    lines = ",\n".join(f"    {json.dumps(field)}" for field in fields)
    return (
        f'{{\n  "type": "record",\n  "name": "{name}",\n  "namespace": "{namespace}",\n'
        f'  "fields": [\n{lines}\n  ]\n}}\n'
    )


ID = {"name": "id", "type": "string", "doc": "The order's id"}
TOTAL = {"name": "total", "type": "int", "doc": "Total in cents"}
TOTAL_AS_STRING = {"name": "total", "type": "string", "doc": "Total, as text"}
NOTE_WITH_DEFAULT = {"name": "note", "type": "string", "default": "", "doc": "A note"}

CONFIG = """\
[[schemas]]
path = "schemas/*.avsc"
subject = "{prefix}{{stem}}-value"
"""


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("cli-sqlite-template"))


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: str) -> Iterator[str]:
    """One registry per test module; tests keep apart by subject prefix."""
    with running_registry(
        copy_sqlite(sqlite_template, tmp_path_factory.mktemp("registry")), migrate=False
    ) as url:
        yield url


@pytest.fixture
def fresh_registry(tmp_path: Path, sqlite_template: str) -> Iterator[Callable[[str], str]]:
    """Start further empty registries within a test (stopped at its end)."""
    with ExitStack() as stack:
        yield lambda name: stack.enter_context(
            running_registry(copy_sqlite(sqlite_template, tmp_path / name), migrate=False)
        )


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run `accord ARGS...` in-process; the environment has no registry URL or credentials."""
    monkeypatch.delenv("ACCORD_REGISTRY_URL", raising=False)
    monkeypatch.delenv("ACCORD_REGISTRY_AUTH", raising=False)
    runner = CliRunner()

    def invoke(*arguments: str, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, list(arguments), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """An empty project directory (the working directory) whose subjects are unique to the test."""
    root = tmp_path / "repo"
    (root / "schemas").mkdir(parents=True)
    prefix = request.node.name.replace("[", "-").replace("]", "") + "."
    (root / "accord.toml").write_text(CONFIG.format(prefix=prefix))
    monkeypatch.chdir(root)
    return root


def subject(project: Path, stem: str) -> str:
    """The subject the test project's config gives schemas/STEM.avsc."""
    config = (project / "accord.toml").read_text()
    prefix = config.split('subject = "')[1].split("{stem}")[0]
    return f"{prefix}{stem}-value"


def git(root: Path, *arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=True)
    return completed.stdout


def commit_all(root: Path, message: str) -> None:
    """Commit everything in `root`, making it a git repository first if it is not one yet."""
    if not (root / ".git").exists():
        git(root, "init", "--quiet", "--initial-branch=main")
        git(root, "config", "user.email", "ci@example.com")
        git(root, "config", "user.name", "CI")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)


@pytest.fixture
def repository(project: Path) -> Path:
    """The project as a git repository with two commits.

    First commit: orders (id, total: int), payments, refunds. Second commit: orders' total became a
    string (breaks BACKWARD), payments gained a field with a default (compatible), refunds was deleted,
    and shipments is new.
    """
    schemas = project / "schemas"
    (schemas / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    (schemas / "payments.avsc").write_text(avro_record("PaymentReceived", ID))
    (schemas / "refunds.avsc").write_text(avro_record("RefundIssued", ID))
    commit_all(project, "first")
    (schemas / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    (schemas / "payments.avsc").write_text(avro_record("PaymentReceived", ID, NOTE_WITH_DEFAULT))
    (schemas / "refunds.avsc").unlink()
    (schemas / "shipments.avsc").write_text(avro_record("ShipmentDispatched", ID))
    commit_all(project, "second")
    return project
