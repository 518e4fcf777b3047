"""One effective level everywhere: the config's (the subject's own, else the top-level one), else the
registry's. `check`, `register --dry-run` and `register` give the same verdict, and a refused
registration leaves the registry as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from client import RegistryClient
from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, TOTAL_AS_STRING, avro_record, subject


def versions(registry_url: str, name: str) -> list[int]:
    response = httpx.get(f"{registry_url}/subjects/{name}/versions")
    return response.json() if response.status_code == 200 else []


def own_level(registry_url: str, name: str) -> str | None:
    response = httpx.get(f"{registry_url}/config/{name}", params={"defaultToGlobal": "false"})
    return response.json()["compatibilityLevel"] if response.status_code == 200 else None


def _registered_v1(registry_url: str, project: Path, level: str | None) -> str:
    """orders v1 in the registry (at `level` when given), and a v2 in the file that breaks BACKWARD."""
    name = subject(project, "orders")
    if level is not None:
        assert httpx.put(f"{registry_url}/config/{name}", json={"compatibility": level}).status_code == 200
    v1 = httpx.post(f"{registry_url}/subjects/{name}/versions", json={"schema": avro_record("O", ID, TOTAL)})
    assert v1.status_code == 200, v1.text
    (project / "schemas" / "orders.avsc").write_text(avro_record("O", ID, TOTAL_AS_STRING))
    return name


def _with_level(project: Path, level: str, *, top_level: bool = False) -> None:
    config = project / "accord.toml"
    text = config.read_text()
    line = f'compatibility = "{level}"\n'
    config.write_text(line + text if top_level else text + line)


def _verdicts(run, registry_url: str) -> tuple[int, int, int]:
    check = run("schema", "check", "--registry", registry_url)
    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    real = run("schema", "register", "--registry", registry_url)
    return check.exit_code, dry.exit_code, real.exit_code


def test_a_stricter_configured_level_refuses_everywhere_and_changes_nothing(run, project, registry_url):
    name = _registered_v1(registry_url, project, "NONE")
    _with_level(project, "BACKWARD")

    check = run("schema", "check", "--registry", registry_url)

    assert "not compatible with the registry at BACKWARD (the configured level)" in check.stdout
    assert "error TYPE_MISMATCH schemas/orders.avsc:7:" in check.stdout
    assert _verdicts(run, registry_url) == (EXIT_VIOLATIONS,) * 3
    assert own_level(registry_url, name) == "NONE"  # the refused run did not set BACKWARD
    assert versions(registry_url, name) == [1]


def test_a_looser_configured_level_passes_everywhere_and_is_applied(run, project, registry_url):
    name = _registered_v1(registry_url, project, None)  # the registry's level: BACKWARD (global)
    _with_level(project, "NONE")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)

    assert "would set compatibility to NONE, would register a new version" in dry.stdout
    assert _verdicts(run, registry_url) == (EXIT_CLEAN,) * 3
    assert own_level(registry_url, name) == "NONE"
    assert versions(registry_url, name) == [1, 2]


def test_the_top_level_compatibility_is_the_subjects_and_is_applied(run, project, registry_url):
    name = _registered_v1(registry_url, project, "NONE")
    _with_level(project, "FULL", top_level=True)

    assert _verdicts(run, registry_url) == (EXIT_VIOLATIONS,) * 3
    assert own_level(registry_url, name) == "NONE"

    (project / "schemas" / "orders.avsc").write_text(avro_record("O", ID, TOTAL))  # v1 again: nothing breaks
    result = run("schema", "register", "--registry", registry_url)

    assert result.exit_code == EXIT_CLEAN
    assert "compatibility set to FULL" in result.stdout
    assert own_level(registry_url, name) == "FULL"


def test_without_a_configured_level_the_registry_judges(run, project, registry_url):
    name = _registered_v1(registry_url, project, "NONE")

    assert _verdicts(run, registry_url) == (EXIT_CLEAN,) * 3
    assert own_level(registry_url, name) == "NONE"
    assert versions(registry_url, name) == [1, 2]


def test_a_registration_refused_after_the_check_puts_the_level_back(
    run, project, registry_url, monkeypatch: pytest.MonkeyPatch
):
    """Another writer registers between the check and the registration, and the registry refuses:
    the level this run set is put back (here: the subject had none of its own)."""
    name = _registered_v1(registry_url, project, None)
    _with_level(project, "FORWARD")
    note = {"name": "note", "type": "string"}  # a new field without default: FORWARD, not BACKWARD
    (project / "schemas" / "orders.avsc").write_text(avro_record("O", ID, TOTAL, note))
    register = RegistryClient.register_version

    def after_another_writer(self: RegistryClient, *arguments: Any, **options: Any) -> int:
        other = avro_record("O", ID, TOTAL, {"name": "x", "type": "int"})  # cannot read ours: no x
        answer = httpx.post(f"{registry_url}/subjects/{name}/versions", json={"schema": other})
        assert answer.status_code == 200, answer.text
        return register(self, *arguments, **options)

    monkeypatch.setattr(RegistryClient, "register_version", after_another_writer)
    result = run("schema", "register", "--registry", registry_url)

    assert result.exit_code == EXIT_VIOLATIONS
    assert "rejected by the registry" in result.stdout
    assert own_level(registry_url, name) is None  # not left at FORWARD
    assert versions(registry_url, name) == [1, 2]


def test_a_file_registered_as_an_older_version_passes_check_as_register_accepts_it(
    run, project, registry_url
):
    name = subject(project, "orders")
    for text in (avro_record("O", ID, TOTAL), avro_record("O", ID)):  # v2 drops total: BACKWARD
        answer = httpx.post(f"{registry_url}/subjects/{name}/versions", json={"schema": text})
        assert answer.status_code == 200, answer.text
    (project / "schemas" / "orders.avsc").write_text(avro_record("O", ID, TOTAL))  # v1 cannot read v2's data

    check = run("schema", "check", "--registry", registry_url)

    assert "already registered as version 1" in check.stdout
    assert _verdicts(run, registry_url) == (EXIT_CLEAN,) * 3
    assert versions(registry_url, name) == [1, 2]


def test_a_configured_transitive_level_judges_every_registered_version(run, project, registry_url):
    name = subject(project, "orders")
    for text in (avro_record("O", ID, TOTAL), avro_record("O", ID)):
        assert (
            httpx.post(f"{registry_url}/subjects/{name}/versions", json={"schema": text}).status_code == 200
        )
    total_as_text = {"name": "total", "type": "string", "default": "", "doc": "Total, as text"}
    (project / "schemas" / "orders.avsc").write_text(
        avro_record("O", ID, total_as_text)
    )  # fine after v2 only
    assert (
        run("schema", "check", "--registry", registry_url).exit_code == EXIT_CLEAN
    )  # the registry: BACKWARD
    _with_level(project, "BACKWARD_TRANSITIVE")

    check = run("schema", "check", "--registry", registry_url)

    assert "not compatible with the registry at BACKWARD_TRANSITIVE (the configured level)" in check.stdout
    assert "error TYPE_MISMATCH schemas/orders.avsc:7:" in check.stdout
    assert _verdicts(run, registry_url) == (EXIT_VIOLATIONS,) * 3
    assert (versions(registry_url, name), own_level(registry_url, name)) == ([1, 2], None)
