"""`accord schema download`: subjects into files, with their references, and config entries the other
commands accept."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from urllib.parse import quote

import httpx

from registry.cli.errors import EXIT_CLEAN, EXIT_ERROR
from tests.registry.cli.conftest import ID, NOTE_WITH_DEFAULT, TOTAL, avro_record, subject

MONEY = avro_record("Money", {"name": "cents", "type": "long", "doc": "c"})
MONEY_V2 = avro_record(
    "Money",
    {"name": "cents", "type": "long", "doc": "c"},
    {"name": "currency", "type": "string", "default": "EUR"},
)
PRICE = avro_record("PriceChanged", {"name": "price", "type": "com.acme.Money", "doc": "p"})
SHIPMENT = {"title": "ShipmentDispatched", "type": "object", "properties": {"id": {"type": "string"}}}


def post(url: str, subject: str, body: dict) -> int:
    response = httpx.post(f"{url}/subjects/{quote(subject, safe='')}/versions", json=body)
    response.raise_for_status()
    return int(response.json()["id"])


def test_a_prefix_downloads_its_subjects_with_references_into_a_usable_config(
    run, tmp_path: Path, monkeypatch, fresh_registry
):
    url = fresh_registry("download")
    post(url, "shop.money", {"schema": MONEY})
    refs = [{"name": "com.acme.Money", "subject": "shop.money", "version": 1}]
    post(url, "shop.prices-value", {"schema": PRICE, "references": refs})
    post(url, "shop.shipments-value", {"schema": json.dumps(SHIPMENT), "schemaType": "JSON"})
    post(url, "other.orders-value", {"schema": avro_record("OrderCreated", ID)})
    monkeypatch.chdir(tmp_path)

    result = run(
        "schema", "download", "--prefix", "shop.", "--output-dir", "contracts",
        "--write-config", "accord.toml", "--registry", url,
    )  # fmt: skip

    assert result.exit_code == EXIT_CLEAN, result.stderr
    assert sorted(path.name for path in (tmp_path / "contracts").iterdir()) == [
        "shop.money.avsc",
        "shop.prices-value.avsc",
        "shop.shipments-value.json",
    ]
    assert json.loads((tmp_path / "contracts" / "shop.prices-value.avsc").read_text()) == json.loads(PRICE)
    config = tomllib.loads((tmp_path / "accord.toml").read_text())
    prices = next(entry for entry in config["schemas"] if entry["subject"] == "shop.prices-value")
    assert prices == {
        "path": "contracts/shop.prices-value.avsc",
        "subject": "shop.prices-value",
        "type": "AVRO",
        "references": [{"name": "com.acme.Money", "path": "contracts/shop.money.avsc"}],
    }
    # The other commands accept the files and the config: everything is already registered.
    dry = run("schema", "register", "--dry-run", "--registry", url)
    assert dry.exit_code == EXIT_CLEAN, dry.stdout + dry.stderr
    assert dry.stdout.count("already registered as version 1") == 3
    assert run("schema", "check", "--registry", url).exit_code == EXIT_CLEAN


def test_a_reference_to_an_older_version_is_kept_as_a_registry_reference(
    run, tmp_path: Path, monkeypatch, fresh_registry
):
    url = fresh_registry("older")
    post(url, "money", {"schema": MONEY})
    post(
        url,
        "prices-value",
        {"schema": PRICE, "references": [{"name": "com.acme.Money", "subject": "money", "version": 1}]},
    )
    post(url, "money", {"schema": MONEY_V2})
    monkeypatch.chdir(tmp_path)

    result = run(
        "schema", "download", "--subject", "prices-value", "--write-config", "accord.toml", "--registry", url
    )

    assert result.exit_code == EXIT_CLEAN, result.stderr
    assert "money version 1 -> schemas/money.v1.avsc" in result.stdout
    config = tomllib.loads((tmp_path / "accord.toml").read_text())
    assert config["schemas"] == [
        {
            "path": "schemas/prices-value.avsc",
            "subject": "prices-value",
            "type": "AVRO",
            "references": [{"name": "com.acme.Money", "subject": "money", "version": 1}],
        }
    ]
    assert (
        "already registered as version 1" in run("schema", "register", "--dry-run", "--registry", url).stdout
    )


def test_all_subjects(run, tmp_path: Path, monkeypatch, fresh_registry):
    url = fresh_registry("all")
    post(url, "a-value", {"schema": avro_record("AHappened", ID)})
    post(url, "b/c:value", {"schema": avro_record("BHappened", ID)})
    monkeypatch.chdir(tmp_path)

    result = run("schema", "download", "--all", "--output-dir", "out", "--registry", url)

    assert result.exit_code == EXIT_CLEAN
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["a-value.avsc", "b_c_value.avsc"]


def test_without_a_selection_the_configured_files_are_refreshed(run, project: Path, registry_url: str):
    orders = project / "schemas" / "orders.avsc"
    orders.write_text(avro_record("OrderCreated", ID, TOTAL))
    assert run("schema", "register", "--registry", registry_url).exit_code == EXIT_CLEAN
    orders.write_text(avro_record("OrderCreated", ID, TOTAL, NOTE_WITH_DEFAULT))  # not registered
    refunds = project / "schemas" / "refunds.avsc"
    refunds.write_text(avro_record("RefundIssued", ID))  # a new subject

    result = run("schema", "download", "--registry", registry_url)

    assert result.exit_code == EXIT_CLEAN
    assert [field["name"] for field in json.loads(orders.read_text())["fields"]] == ["id", "total"]
    assert f"{subject(project, 'refunds')}: not registered yet, its file is left as it is" in result.stdout
    assert refunds.read_text() == avro_record("RefundIssued", ID)


def test_an_unknown_subject_is_an_error(run, tmp_path: Path, monkeypatch, registry_url: str):
    monkeypatch.chdir(tmp_path)

    result = run("schema", "download", "--subject", "no-such-subject", "--registry", registry_url)

    assert result.exit_code == EXIT_ERROR
    assert "subject 'no-such-subject' is not in the registry" in result.stderr
