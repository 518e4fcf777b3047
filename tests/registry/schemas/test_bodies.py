"""The cached body of GET /schemas/ids/{id}: the plain form joined from its parts is the rendered one."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from registry.compatibility import SchemaType
from registry.schemas.values import Reference, StoredSchema
from registry.schemas.wire import plain_schema_body, schema_body, schema_string

# Schema texts are valid UTF-8: any character but a lone surrogate, control characters included.
TEXTS = st.text(alphabet=st.characters(exclude_categories=["Cs"]))


@given(schema_type=st.sampled_from(list(SchemaType)), text=TEXTS)
def test_a_plain_body_is_the_rendered_schema_string(schema_type: SchemaType, text: str) -> None:
    schema = StoredSchema(7, schema_type, text, (), None, None, b"")
    rendered = orjson.dumps(schema_string(schema))

    assert plain_schema_body(schema_type, text) == rendered
    assert schema_body(schema) == rendered
    assert orjson.loads(rendered)["schema"] == text


@given(
    schema_type=st.sampled_from(list(SchemaType)),
    text=TEXTS,
    with_reference=st.booleans(),
    metadata=st.sampled_from([None, '{"properties":{"owner":"team-a"}}']),
    rule_set=st.sampled_from([None, '{"domainRules":[]}']),
)
def test_a_body_with_references_or_rules_renders_them(
    schema_type: SchemaType, text: str, with_reference: bool, metadata: str | None, rule_set: str | None
) -> None:
    references = (Reference("Address", "address", 1),) if with_reference else ()
    schema = StoredSchema(7, schema_type, text, references, metadata, rule_set, b"")

    body = orjson.loads(schema_body(schema))

    assert body["schema"] == text
    assert body.get("schemaType") == (None if schema_type is SchemaType.AVRO else schema_type.value)
    expected_references = (
        [{"name": "Address", "subject": "address", "version": 1}] if with_reference else None
    )
    assert body.get("references") == expected_references
    assert body.get("metadata") == (None if metadata is None else orjson.loads(metadata))
    assert body.get("ruleSet") == (None if rule_set is None else orjson.loads(rule_set))
