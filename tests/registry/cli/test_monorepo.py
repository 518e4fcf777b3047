"""A service in a folder of a larger repository: the config is found from below, annotations name
paths from the repository root, subjects follow the record-name strategies, and ambiguous
configurations are refused."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, TOTAL_AS_STRING, avro_record, commit_all, subject


@pytest.fixture
def service(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test project moved into services/orders/ of a repository; orders v1 committed, and a v2
    that breaks BACKWARD in the work tree. The working directory is the service's schemas folder."""
    root = project
    folder = root / "services" / "orders"
    folder.mkdir(parents=True)
    (root / "accord.toml").rename(folder / "accord.toml")
    (root / "schemas").rename(folder / "schemas")
    (folder / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    commit_all(root, "orders v1")
    (folder / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    monkeypatch.chdir(folder / "schemas")
    return folder


def test_the_config_is_found_above_and_annotations_are_relative_to_the_repository(run, service):
    github = run("schema", "check", "--against", "git:HEAD", "--format", "github")
    gitlab = run("schema", "check", "--against", "git:HEAD", "--format", "gitlab")

    assert github.exit_code == gitlab.exit_code == EXIT_VIOLATIONS
    assert (
        "::error file=services/orders/schemas/orders.avsc,line=7,col=23,title=TYPE_MISMATCH::"
        in github.stdout
    )
    assert {issue["location"]["path"] for issue in json.loads(gitlab.stdout)} == {
        "services/orders/schemas/orders.avsc"
    }


def test_the_config_is_not_looked_for_above_the_repository_root(run, project, monkeypatch):
    nested = project / "inner"
    nested.mkdir()
    (nested / "README").write_text("inner")
    commit_all(nested, "an inner repository")
    monkeypatch.chdir(nested)

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert "or its parents up to the repository root" in result.stderr


def test_export_and_import_use_the_registry_of_the_config(
    run, project, registry_url, fresh_registry, tmp_path
):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    config = project / "accord.toml"
    config.write_text(f'registry = "{registry_url}"\n' + config.read_text())
    assert run("schema", "register").exit_code == EXIT_CLEAN

    exported = run("export", str(tmp_path / "dump"))
    target = fresh_registry("target")
    config.write_text(config.read_text().replace(registry_url, target))
    imported = run("import", str(tmp_path / "dump"))

    assert exported.exit_code == EXIT_CLEAN, exported.stderr
    assert imported.exit_code == EXIT_CLEAN, imported.stderr
    orders = subject(project, "orders")
    assert httpx.get(f"{target}/subjects/{orders}/versions").json() == [1]


def _config(project: Path, entries: str) -> str:
    prefix = subject(project, "x").removesuffix("x-value")
    (project / "accord.toml").write_text(entries.replace("PREFIX", prefix))
    return prefix


def test_record_name_strategies(run, project, registry_url):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    (project / "schemas" / "order.json").write_text(json.dumps({"title": "OrderShipped", "type": "object"}))
    prefix = _config(
        project,
        """
[[schemas]]
path = "schemas/*.avsc"
subject = "PREFIX{topic}-{record}"
topic = "orders"

[[schemas]]
path = "schemas/*.json"
subject = "PREFIX{record}"
""",
    )

    result = run("schema", "register", "--registry", registry_url)

    assert result.exit_code == EXIT_CLEAN, result.stderr
    subjects = httpx.get(f"{registry_url}/subjects").json()
    assert {f"{prefix}orders-com.acme.OrderCreated", f"{prefix}OrderShipped"} <= set(subjects)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            '[[schemas]]\npath = "schemas/*.avsc"\nsubject = "{name}-value"\n',
            "unknown placeholder {name} in subject '{name}-value'; use {stem}",
        ),
        (
            '[[schemas]]\npath = "schemas/*.avsc"\nsubject = "{topic}-{record}"\n',
            "subject '{topic}-{record}' uses {topic}: set `topic` in the same entry",
        ),
        (
            '[[schemas]]\npath = "schemas/*.avsc"\nsubject = "{stem}"\n\n'
            '[[schemas]]\npath = "schemas/orders.avsc"\nsubject = "orders-value"\n',
            "schemas/orders.avsc is matched by both schemas[1] and schemas[2]",
        ),
    ],
    ids=["unknown-placeholder", "topic-without-topic", "file-matched-twice"],
)
def test_ambiguous_configurations_are_errors(run, project, entries, message):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    (project / "accord.toml").write_text(entries)

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_both_a_toml_and_a_yaml_config_is_an_error(run, project):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID))
    (project / "accord.yaml").write_text("schemas: []\n")

    result = run("schema", "lint")

    assert result.exit_code == EXIT_ERROR
    assert "both accord.toml and accord.yaml exist; keep one configuration file" in result.stderr
