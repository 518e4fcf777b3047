"""`accord catalog asyncapi` and `accord import --asyncapi` against real `accord serve` processes: the
seed's order flow exported from a registry with contracts is an AsyncAPI 3.0 document the official
parser accepts, and importing it into an empty registry reproduces the subjects (a dry run first,
which changes nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner, Result

from contracts.remote import ContractRegistry
from registry.cli import app
from tests.registry.catalog.asyncapi_tools import parse_with_official_parser, specification_errors
from tests.registry.ui.order_flow import EVENT_TYPES, publish_order_flow
from tests.support.databases import copy_sqlite, migrated_sqlite
from tests.support.servers import running_registry


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_sqlite(tmp_path_factory.mktemp("catalog-template"))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, template: str) -> Iterator[str]:
    """A registry with the order flow: schemas, expectations, samples, results and deployments."""
    with running_registry(copy_sqlite(template, tmp_path_factory.mktemp("source")), migrate=False) as url:
        with httpx.Client(base_url=url) as api:
            publish_order_flow(api, ContractRegistry(url))
        yield url


@pytest.fixture
def empty_registry(tmp_path: Path, template: str) -> Iterator[str]:
    with running_registry(copy_sqlite(template, tmp_path / "target"), migrate=False) as url:
        yield url


def accord(*arguments: str) -> Result:
    result = CliRunner().invoke(
        app, list(arguments), env={"ACCORD_REGISTRY_URL": "", "ACCORD_REGISTRY_AUTH": ""}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def latest(url: str, subject: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{url}/subjects/{subject}/versions/latest").raise_for_status().json()
    return answer


def test_export_then_import_into_an_empty_registry_reproduces_the_subjects(
    source: str, empty_registry: str, tmp_path: Path
) -> None:
    exported = tmp_path / "order-flow.asyncapi.yaml"
    result = accord("catalog", "asyncapi", "--registry", source, "--output", str(exported))
    assert result.exit_code == 0, result.output
    assert f"wrote 3 channels to {exported}" in result.output
    text = exported.read_text()
    assert specification_errors(yaml.safe_load(text)) == []
    assert parse_with_official_parser(text, tmp_path)["errors"] == []

    dry = accord("import", "--asyncapi", str(exported), "--dry-run", "--registry", empty_registry)
    assert dry.exit_code == 0, dry.output
    for event_type in EVENT_TYPES:
        assert f"{event_type} (AVRO, from components.messages.{event_type}): new subject" in dry.output
    assert "would register 3 of 3 subjects; 0 refused" in dry.output
    assert httpx.get(f"{empty_registry}/subjects").json() == []

    imported = accord("import", "--asyncapi", str(exported), "--registry", empty_registry)
    assert imported.exit_code == 0, imported.output
    assert "registered 3 of 3 subjects; 0 refused" in imported.output
    assert sorted(httpx.get(f"{empty_registry}/subjects").json()) == sorted(EVENT_TYPES)
    for event_type in EVENT_TYPES:
        original, copy = latest(source, event_type), latest(empty_registry, event_type)
        assert json.loads(copy["schema"]) == json.loads(original["schema"])
        assert copy.get("schemaType", "AVRO") == original.get("schemaType", "AVRO")

    again = accord("import", "--asyncapi", str(exported), "--registry", empty_registry)
    assert again.exit_code == 0, again.output
    assert (
        "OrderPaid (AVRO, from components.messages.OrderPaid): already registered as version 1"
        in again.output
    )


def test_one_application_in_one_environment_as_json(source: str, tmp_path: Path) -> None:
    result = accord(
        "catalog",
        "asyncapi",
        "--application",
        "notification-service",
        "--env",
        "production",
        "--format",
        "json",
        "--registry",
        source,
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["info"]["title"] == "Accord event catalog: notification-service"
    assert sorted(document["operations"]) == [
        "notification-service.receive.OrderCreated",
        "notification-service.receive.OrderShipped",
    ]
    assert sorted(document["channels"]) == ["OrderCreated", "OrderShipped"]
    assert document["operations"]["notification-service.receive.OrderCreated"]["x-accord-environments"] == [
        "production"
    ]
    assert parse_with_official_parser(result.output, tmp_path)["errors"] == []


def test_an_application_without_contracts_there_is_an_error(source: str) -> None:
    result = accord(
        "catalog", "asyncapi", "--application", "order-service", "--env", "staging", "--registry", source
    )
    assert result.exit_code == 2
    assert "Application 'order-service' has no published contracts running in 'staging'" in result.output


EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "asyncapi"


def test_importing_a_2_6_document_and_a_dry_run_of_a_breaking_change(
    empty_registry: str, tmp_path: Path
) -> None:
    accounts = EXAMPLES / "accounts-2.6.yaml"
    first = accord("import", "--asyncapi", str(accounts), "--registry", empty_registry)
    assert first.exit_code == 0, first.output
    assert sorted(httpx.get(f"{empty_registry}/subjects").json()) == [
        "AccountClosed",
        "AccountOpened",
        "EmailSent",
    ]
    assert latest(empty_registry, "AccountClosed").get("schemaType", "AVRO") == "AVRO"
    assert latest(empty_registry, "EmailSent")["schemaType"] == "JSON"

    # AccountClosed's reason loses a symbol: BACKWARD (the default) refuses it
    breaking = tmp_path / "accounts.yaml"
    breaking.write_text(
        accounts.read_text().replace("symbols: [CUSTOMER, FRAUD, DORMANT]", "symbols: [CUSTOMER]")
    )
    dry = accord("import", "--asyncapi", str(breaking), "--dry-run", "--registry", empty_registry)
    assert dry.exit_code == 1, dry.output
    assert (
        "AccountOpened (JSON, from components.messages.AccountOpened): already registered as version 1"
        in (dry.output)
    )
    assert "AccountClosed (AVRO, from components.messages.AccountClosed): incompatible:" in dry.output
    assert "would register 2 of 3 subjects; 1 refused" in dry.output
    assert httpx.get(f"{empty_registry}/subjects/AccountClosed/versions").json() == [1]


def test_a_document_with_a_remote_reference_is_refused_before_anything_is_registered(
    empty_registry: str,
) -> None:
    result = accord(
        "import", "--asyncapi", str(EXAMPLES / "remote-ref-3.0.yaml"), "--registry", empty_registry
    )
    assert result.exit_code == 2
    assert "$ref 'https://example.com/schemas/thing.json' is refused" in result.output
    assert httpx.get(f"{empty_registry}/subjects").json() == []


def test_dry_run_goes_with_asyncapi_only(tmp_path: Path) -> None:
    result = accord("import", str(tmp_path), "--dry-run", "--registry", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--subject-template and --dry-run go with --asyncapi" in result.output


def test_schemas_by_reference_resolve_against_the_registry(source: str, tmp_path: Path) -> None:
    result = accord("catalog", "asyncapi", "--schemas", "reference", "--format", "json", "--registry", source)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    created = document["components"]["messages"]["OrderCreated"]["payload"]
    schema_id = latest(source, "OrderCreated")["id"]
    assert created == {
        "schemaFormat": "application/vnd.apache.avro+json;version=1.9.0",
        "schema": {"$ref": f"{source}/schemas/ids/{schema_id}/schema"},
    }
    parsed = parse_with_official_parser(result.output, tmp_path)  # the parser fetches each schema
    assert parsed["errors"] == []
    assert {message["payloadType"] for message in parsed["messages"]} == {"object"}
