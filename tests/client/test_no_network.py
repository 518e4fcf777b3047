"""No schema makes the client reach out: `$ref`s to http(s) or file URLs are refused, never fetched."""

from __future__ import annotations

import pytest

from client.json_schema import JsonSchemaError, JsonSchemaValidator
from tests.support.listener import listening

DRAFTS = [
    "http://json-schema.org/draft-03/schema#",
    "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft/2020-12/schema",
]


@pytest.mark.parametrize("draft", DRAFTS)
def test_remote_and_file_references_are_refused_without_a_connection(draft: str) -> None:
    with listening() as listener:
        for target in (f"{listener.url}/order.json", f"{listener.url}/defs#/order", "file:///etc/passwd"):
            schema = {"$schema": draft, "type": "object", "properties": {"order": {"$ref": target}}}
            with pytest.raises(JsonSchemaError, match="is not fetched"):
                JsonSchemaValidator(schema)
    assert listener.connections == []


def test_local_references_still_resolve() -> None:
    schema = {"definitions": {"id": {"type": "integer"}}, "properties": {"id": {"$ref": "#/definitions/id"}}}
    validator = JsonSchemaValidator(schema)
    assert validator.is_valid({"id": 3})
    assert [violation.rule for violation in validator.violations({"id": "x"})] == ["type"]
