"""`accord schema register`: idempotent, all-or-nothing, dependency order, dry run, declared levels."""

from __future__ import annotations

import httpx

from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS
from tests.registry.cli.conftest import ID, TOTAL, TOTAL_AS_STRING, avro_record, subject

MONEY = avro_record("Money", {"name": "cents", "type": "long"})
PRICED = avro_record("PriceChanged", {"name": "price", "type": "com.acme.Money"})


def versions(registry_url: str, name: str) -> list[int]:
    response = httpx.get(f"{registry_url}/subjects/{name}/versions")
    return response.json() if response.status_code == 200 else []


def test_dry_run_changes_nothing_and_register_is_idempotent(run, project, registry_url):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    orders = subject(project, "orders")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    assert dry.exit_code == EXIT_CLEAN
    assert "would register a new version" in dry.stdout
    assert versions(registry_url, orders) == []

    first = run("schema", "register", "--registry", registry_url)
    second = run("schema", "register", "--registry", registry_url)

    assert first.exit_code == second.exit_code == EXIT_CLEAN
    assert "registered as version 1 (id " in first.stdout
    assert "already registered as version 1" in second.stdout
    assert versions(registry_url, orders) == [1]


def test_nothing_is_registered_unless_every_file_is_compatible(run, project, registry_url):
    schemas = project / "schemas"
    (schemas / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    (schemas / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL_AS_STRING))
    (schemas / "payments.avsc").write_text(avro_record("PaymentReceived", ID))

    result = run("schema", "register", "--registry", registry_url, "--format", "github")

    assert result.exit_code == EXIT_VIOLATIONS
    # The registry's reason names its place "at path '#/fields/1/type'": the annotation is on that line.
    assert (
        "::error file=schemas/orders.avsc,line=7,col=23,title=TYPE_MISMATCH::The type of field 'total' at "
        "path '#/fields/1/type' differs: the new schema has string where the old schema has int"
        in result.stdout
    )
    assert versions(registry_url, subject(project, "payments")) == []
    assert versions(registry_url, subject(project, "orders")) == [1]


def test_referenced_files_are_registered_first(run, project, registry_url):
    (project / "schemas" / "money.avsc").write_text(MONEY)
    (project / "schemas" / "price.avsc").write_text(PRICED)
    config = project / "accord.toml"
    prefix = subject(project, "x").removesuffix("x-value")
    config.write_text(
        f"""
[[schemas]]
path = "schemas/price.avsc"
subject = "{prefix}price-value"
references = [{{ name = "com.acme.Money", path = "schemas/money.avsc" }}]

[[schemas]]
path = "schemas/money.avsc"
subject = "{prefix}money"
"""
    )

    check_before = run("schema", "check", "--registry", registry_url)
    result = run("schema", "register", "--registry", registry_url)
    check_after = run("schema", "check", "--registry", registry_url)

    assert check_before.exit_code == EXIT_VIOLATIONS
    assert "REFERENCE_NOT_REGISTERED" in check_before.stdout
    assert result.exit_code == EXIT_CLEAN, result.stdout
    assert result.stdout.index("money") < result.stdout.index("price-value")
    price = httpx.get(f"{registry_url}/subjects/{prefix}price-value/versions/1").json()
    assert price["references"] == [{"name": "com.acme.Money", "subject": f"{prefix}money", "version": 1}]
    assert check_after.exit_code == EXIT_CLEAN


def test_declared_levels_are_applied(run, project, registry_url):
    (project / "schemas" / "orders.avsc").write_text(avro_record("OrderCreated", ID, TOTAL))
    config = project / "accord.toml"
    config.write_text(config.read_text() + 'compatibility = "FULL"\n')
    orders = subject(project, "orders")

    dry = run("schema", "register", "--dry-run", "--registry", registry_url)
    assert "would set compatibility to FULL" in dry.stdout
    assert httpx.get(f"{registry_url}/config/{orders}").status_code == 404

    result = run("schema", "register", "--registry", registry_url)

    assert result.exit_code == EXIT_CLEAN
    assert "compatibility set to FULL" in result.stdout
    assert httpx.get(f"{registry_url}/config/{orders}").json()["compatibilityLevel"] == "FULL"
    assert "compatibility set" not in run("schema", "register", "--registry", registry_url).stdout
