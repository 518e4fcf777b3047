"""`accord schema register` with `normalize`, `metadata` and `ruleSet` per subject in the config."""

from __future__ import annotations

from pathlib import Path

import httpx

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR
from tests.registry.cli.conftest import ID, TOTAL, avro_record, subject

SETTINGS = """
normalize = true
metadata = {{ properties = {{ owner = "{owner}" }} }}
[schemas.ruleSet]
domainRules = [
  {{ name = "positiveTotal", kind = "CONDITION", type = "CEL", mode = "WRITE", expr = "message.total > 0" }},
]
"""


def configure(project: Path, owner: str) -> None:
    config = project / "accord.toml"
    text = config.read_text().split("\nnormalize")[0]
    config.write_text(text.rstrip("\n") + "\n" + SETTINGS.format(owner=owner).lstrip("\n"))


def latest(registry_url: str, name: str) -> dict:
    return httpx.get(f"{registry_url}/subjects/{name}/versions/latest").raise_for_status().json()


def test_register_applies_normalize_metadata_and_rule_set(run, project: Path, registry_url: str):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    configure(project, "team-orders")
    orders = subject(project, "orders")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    first = run("schema", "register", "--registry", registry_url)
    again = run("schema", "register", "--registry", registry_url)

    assert dry.exit_code == EXIT_CLEAN
    assert "would set normalize to True, would register a new version" in dry.stdout
    assert first.exit_code == EXIT_CLEAN, first.stdout + first.stderr
    assert "normalize set to True, registered as version 1" in first.stdout
    registered = latest(registry_url, orders)
    assert registered["metadata"] == {"properties": {"owner": "team-orders"}}
    assert registered["ruleSet"]["domainRules"][0]["name"] == "positiveTotal"
    assert registered["ruleSet"]["domainRules"][0]["expr"] == "message.total > 0"
    config = httpx.get(f"{registry_url}/config/{orders}").json()
    assert config["normalize"] is True
    assert "already registered as version 1" in again.stdout


def test_changed_metadata_registers_a_new_version_carrying_it(run, project: Path, registry_url: str):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    configure(project, "team-orders")
    orders = subject(project, "orders")
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    configure(project, "team-billing")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    real = run("schema", "register", "--registry", registry_url)

    assert "(BACKWARD), new version; would register a new version" in dry.stdout, dry.stderr
    assert "registered as version 2" in real.stdout
    assert latest(registry_url, orders)["metadata"] == {"properties": {"owner": "team-billing"}}
    assert "already registered as version 2" in run("schema", "register", "--registry", registry_url).stdout


def test_a_malformed_rule_set_is_a_configuration_error(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    config = project / "accord.toml"
    config.write_text(config.read_text() + 'ruleSet = { domainRules = [{ name = "x", kind = "CHECK" }] }\n')

    result = run("schema", "register", "--registry", "http://127.0.0.1:9")

    assert result.exit_code == EXIT_ERROR
    assert "schemas.0.ruleSet.domainRules.0.kind" in result.stderr
    assert "schemas.0.ruleSet.domainRules.0.mode" in result.stderr


def test_metadata_must_be_a_table(run, project: Path):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    config = project / "accord.toml"
    config.write_text(config.read_text() + 'metadata = "owner=me"\n')

    result = run("schema", "register", "--registry", "http://127.0.0.1:9")

    assert result.exit_code == EXIT_ERROR
    assert "schemas.0.metadata" in result.stderr
    assert "configuration" in result.stderr
