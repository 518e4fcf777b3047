"""schemathesis against the app's own OpenAPI document: whatever it sends, no 5xx, and every response
has a documented status, media type and shape."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry import migrations
from registry.app import create_app
from registry.config import Settings
from tests.support.databases import migrated_sqlite

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# schemathesis collects operations from the document at import time; the app only needs its database
# once requests run, so the database is migrated by the fixture below.
_DIRECTORY = tempfile.TemporaryDirectory(prefix="accord-openapi-")
DATABASE_URL = f"sqlite:///{Path(_DIRECTORY.name) / 'registry.db'}"
# Every path of the document: the Confluent API, the contract store (/contracts) and the audit log.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(database_url=DATABASE_URL)))


@pytest.fixture(scope="module", autouse=True)
def migrated_database() -> Iterator[None]:
    migrations.upgrade(DATABASE_URL)
    yield
    _DIRECTORY.cleanup()


# One test per operation, named by it, with valid and invalid requests (`schema.parametrize()` gives
# every operation the same test id, which pytest-xdist would run only once).
OPERATIONS = {result.ok().label: result.ok() for result in schema.get_all_operations()}


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_conforms_to_the_document(label: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(*(OPERATIONS[label].as_strategy(generation_mode=mode) for mode in GenerationMode)))
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    conforms()


def test_the_document_describes_the_confluent_paths(tmp_path: Path) -> None:
    document = create_app(Settings(database_url=migrated_sqlite(tmp_path))).openapi()

    assert "/subjects/{subject}/versions/{version}" in document["paths"]
    assert "/schemas/ids/{id}" in document["paths"]
    assert "/compatibility/subjects/{subject}/versions" in document["paths"]
    error = document["components"]["schemas"]["ErrorMessage"]
    assert set(error["required"]) == {"error_code", "message"}


def test_the_version_read_documents_its_format_as_the_routes_that_declare_it(tmp_path: Path) -> None:
    # GET /subjects/{s}/versions/{v} reads `format` itself (a hot route) and documents it by hand.
    document = create_app(Settings(database_url=migrated_sqlite(tmp_path))).openapi()

    def format_of(path: str) -> dict[str, object]:
        parameters = document["paths"][path]["get"]["parameters"]
        return next(parameter for parameter in parameters if parameter["name"] == "format")

    declared = format_of("/subjects/{subject}/versions/{version}/schema")
    assert format_of("/subjects/{subject}/versions/{version}") == declared
    assert declared["schema"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
