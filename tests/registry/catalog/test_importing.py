"""The subjects of AsyncAPI documents (tests/data/asyncapi: 2.6 and 3.0 examples written for these
tests, each accepted by the official parser): names by the documented rule and by a template, schema
types by schema format, local $refs inlined, remote and recursive references refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry.catalog.importing import AsyncApiImportError, ImportedSubject, read_document, subjects_of
from registry.compatibility import SchemaType, parse_schema
from tests.registry.catalog.asyncapi_tools import parse_with_official_parser

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "asyncapi"


def example(name: str) -> dict[str, Any]:
    return read_document((EXAMPLES / name).read_text())


def by_subject(subjects: list[ImportedSubject]) -> dict[str, ImportedSubject]:
    return {item.subject: item for item in subjects}


@pytest.mark.parametrize("name", ["accounts-2.6.yaml", "payments-3.0.yaml"])
def test_the_examples_are_valid_asyncapi(name: str, tmp_path: Path) -> None:
    assert parse_with_official_parser((EXAMPLES / name).read_text(), tmp_path)["errors"] == []


def test_a_2_6_document_gives_a_subject_per_message_of_every_operation_and_oneof() -> None:
    subjects = by_subject(subjects_of(example("accounts-2.6.yaml")))
    assert list(subjects) == ["AccountOpened", "AccountClosed", "EmailSent"]
    opened = subjects["AccountOpened"]
    assert (opened.schema_type, opened.source) == ("JSON", "components.messages.AccountOpened")
    schema = json.loads(opened.schema)
    assert schema["properties"]["accountId"] == {"type": "string", "pattern": "^acc-[0-9]+$"}
    assert schema["properties"]["creditLimit"]["properties"]["currency"]["enum"] == ["EUR", "USD"]
    closed = subjects["AccountClosed"]  # no name: the key of its component
    assert closed.schema_type == "AVRO"
    assert json.loads(closed.schema)["fields"][1]["type"]["symbols"] == ["CUSTOMER", "FRAUD", "DORMANT"]
    assert subjects["EmailSent"].source == "channels.emails.sent.publish.message"
    for item in subjects.values():  # every schema is one the registry accepts as it is
        parse_schema(SchemaType(item.schema_type), item.schema)


def test_a_3_0_document_gives_a_subject_per_message_with_a_payload() -> None:
    subjects = by_subject(subjects_of(example("payments-3.0.yaml")))
    assert list(subjects) == [
        "PaymentAuthorized",
        "PaymentRefunded",
        "PaymentDisputed",
    ]  # Heartbeat: no payload
    assert json.loads(subjects["PaymentAuthorized"].schema)["properties"]["amount"]["properties"][
        "currency"
    ] == {
        "type": "string",
        "minLength": 3,
        "maxLength": 3,
    }
    assert subjects["PaymentRefunded"].schema_type == "AVRO"
    assert json.loads(subjects["PaymentRefunded"].schema)["name"] == "PaymentRefunded"
    assert subjects["PaymentDisputed"].schema_type == "JSON"
    for item in subjects.values():
        parse_schema(SchemaType(item.schema_type), item.schema)


def test_a_template_names_subjects_after_their_channel() -> None:
    names = [item.subject for item in subjects_of(example("payments-3.0.yaml"), template="{channel}-value")]
    # by address; a message no channel uses keeps its own name
    assert names == ["payments.authorized-value", "payments.refunded-value", "PaymentDisputed-value"]


def test_two_messages_of_one_name_with_different_schemas_are_refused() -> None:
    with pytest.raises(
        AsyncApiImportError, match="both name subject 'accounts-value' with different schemas"
    ):
        subjects_of(example("accounts-2.6.yaml"), template="{channel}-value")


def test_a_remote_reference_is_refused_and_nothing_is_fetched() -> None:
    with pytest.raises(
        AsyncApiImportError, match=r"\$ref 'https://example.com/schemas/thing.json' is refused"
    ):
        subjects_of(example("remote-ref-3.0.yaml"))


def test_a_recursive_payload_is_refused() -> None:
    document = {
        "asyncapi": "3.0.0",
        "channels": {"trees": {"messages": {"Tree": {"payload": {"$ref": "#/components/schemas/Node"}}}}},
        "components": {
            "schemas": {
                "Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}
            }
        },
    }
    with pytest.raises(AsyncApiImportError, match="is recursive"):
        subjects_of(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("asyncapi: 2.5.0\n", "asyncapi: 2.5.0 is not supported"),
        ("openapi: 3.1.0\n", r"asyncapi: \(missing\) is not supported"),
        ("- a list\n", "top level is not a mapping"),
        ("asyncapi: 3.0.0\nchannels: [\n", "neither YAML nor JSON"),
    ],
)
def test_documents_that_are_not_asyncapi_2_6_or_3_0_are_refused(text: str, message: str) -> None:
    with pytest.raises(AsyncApiImportError, match=message):
        read_document(text)


def test_an_unsupported_schema_format_and_a_missing_reference_are_refused() -> None:
    raml = {
        "asyncapi": "3.0.0",
        "components": {
            "messages": {
                "M": {"payload": {"schemaFormat": "application/raml+yaml;version=1.0", "schema": {}}}
            }
        },
    }
    with pytest.raises(
        AsyncApiImportError, match=r"schemaFormat 'application/raml\+yaml;version=1.0' is not"
    ):
        subjects_of(raml)
    dangling = {"asyncapi": "3.0.0", "components": {"messages": {"M": {"payload": {"$ref": "#/nowhere"}}}}}
    with pytest.raises(AsyncApiImportError, match="'#/nowhere' names nothing"):
        subjects_of(dangling)
