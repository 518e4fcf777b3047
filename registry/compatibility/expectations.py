"""A consumer's expectation (the reader) against a producer's schema (the writer), across formats.

Used by the contract harness (static verification) and by the registry (consumer-aware registration).

- Same format: the engine's reader/writer check, JSON Schema under the LENIENT policy: an expectation
  lists only what its consumer reads, so keys the producer does not declare are simply not read.
- Avro producer, JSON Schema expectation: the producer's schema becomes the JSON Schema of its decoded
  form (registry.compatibility.decoded), then the JSON engine compares.
- Protobuf producer, JSON Schema expectation: the producer's message becomes the JSON Schema of its
  proto3 JSON mapping (registry.compatibility.protobuf.json_mapping), then the JSON engine compares.
- Protobuf producer, reader `.proto` expectation: the engine's Protobuf rules, producer as writer, for
  what the reader's message reaches (registry.compatibility.protobuf.reading).
- An Avro or Protobuf expectation of events in another format: its decoder cannot read them; always a gap.

Gaps are *breaking* when the producer's schema lets through data of another shape than the consumer
reads (a missing required field, another type, an enum value the consumer does not know). A value
constraint the consumer adds (bounds, lengths, patterns, formats) is *unguaranteed*: schemas rarely
state such rules (Avro cannot), so they are checked on the producer's samples instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import orjson

from registry.compatibility.decoded import decoded_json_schema
from registry.compatibility.jsonschema import JsonSchema
from registry.compatibility.levels import CompatibilityPolicy
from registry.compatibility.parsers import parse_schema
from registry.compatibility.protobuf import ProtobufSchema
from registry.compatibility.protobuf.json_mapping import json_mapping_schema
from registry.compatibility.protobuf.reading import reader_gaps, select_message
from registry.compatibility.result import Incompatibility
from registry.compatibility.schema import (
    ParsedSchema,
    ResolvedReference,
    Roles,
    SchemaParseError,
    SchemaType,
    pointer_tokens,
)
from registry.compatibility.union_forms import as_alternatives

ROLES = Roles(reader="expected", writer="published")

_VALUE_CONSTRAINTS = (
    "MAX_LENGTH_",
    "MIN_LENGTH_",
    "PATTERN_",
    "FORMAT_",
    "CONTENT_ENCODING_",
    "CONTENT_MEDIA_TYPE_",
    "MAXIMUM_",
    "MINIMUM_",
    "EXCLUSIVE_MAXIMUM_",
    "EXCLUSIVE_MINIMUM_",
    "MULTIPLE_OF_",
    "MAX_PROPERTIES_",
    "MIN_PROPERTIES_",
    "MAX_ITEMS_",
    "MIN_ITEMS_",
    "MAX_CONTAINS_",
    "MIN_CONTAINS_",
    "UNIQUE_ITEMS_",
)


@dataclass(frozen=True, slots=True)
class ExpectationGap:
    """One way the producer's schema does not promise what the expectation reads.

    `data_path` is where in the event's data ("$.data.items[*].sku"), as check 2 names places in samples;
    the incompatibility's path is the place in the expectation's schema. `expected` is the expectation's
    JSON there; `found` the producer schema's, when both schemas are JSON Schema and the path means the
    same place in both (`aligned`).
    """

    incompatibility: Incompatibility
    breaking: bool
    data_path: str = "$.data"
    expected: Any = None
    found: Any = None
    aligned: bool = False
    producer: str = "the producer's schema"  # what `found` is read from

    def describe(self) -> str:
        """What a person needs: what the consumer expects, what the producer's schema says, and where in
        the expectation's schema (the data path is the finding's own)."""
        issue = self.incompatibility
        if self.aligned:
            expected = "nothing" if self.expected is None else _short(self.expected)
            found = "nothing (not declared)" if self.found is None else _short(self.found)
            return f"{issue.type} at path '{issue.path}': expects {expected}; {self.producer} has {found}"
        text = f"{issue.type}: {issue.message}"
        return text if self.expected is None else f"{text} (expects {_short(self.expected)})"


def expectation_gaps(
    expectation: ParsedSchema,
    producer: ParsedSchema,
    *,
    message: str | None = None,
    event_type: str | None = None,
) -> list[ExpectationGap]:
    """Every gap between what `expectation` reads and what `producer` may write (empty: none).

    For a Protobuf producer (or reader), `message` names the message read (its full name); without it,
    the message named like `event_type`, else the file's first (registry.compatibility.protobuf.reading).
    """
    if expectation.schema_type in (SchemaType.AVRO, SchemaType.PROTOBUF) and (
        producer.schema_type is not expectation.schema_type
    ):
        issue = Incompatibility(
            "SCHEMA_TYPE_MISMATCH",
            "#",
            f"the expectation is a{'n Avro' if expectation.schema_type is SchemaType.AVRO else ' Protobuf'} "
            f"reader schema, but the producer publishes {producer.schema_type} events, which its decoder "
            "cannot read",
        )
        return [ExpectationGap(issue, breaking=True)]
    try:
        if isinstance(expectation, ProtobufSchema) and isinstance(producer, ProtobufSchema):
            issues = reader_gaps(expectation, producer, roles=ROLES, message=message, event_type=event_type)
            return [ExpectationGap(issue, True, _in_data(expectation, issue)) for issue in issues]
        writer, producer_form = producer, "the producer's schema"
        if isinstance(producer, ProtobufSchema):
            published = select_message(producer, message=message, event_type=event_type)
            producer_form = f"the producer's message {published.full_name}, in Protobuf's JSON mapping,"
            writer = _in_one_union_form(orjson.dumps(json_mapping_schema(published)).decode(), ())
    except SchemaParseError as error:  # the message read is not in the producer's file
        return [ExpectationGap(Incompatibility("MESSAGE_NOT_PUBLISHED", "#", error.message), breaking=True)]
    if expectation.schema_type is SchemaType.JSON and producer.schema_type is SchemaType.AVRO:
        producer_form = "the producer's Avro schema, decoded,"
        writer = _in_one_union_form(
            orjson.dumps(decoded_json_schema(producer.text, producer.references)).decode(), ()
        )
    elif producer.schema_type is SchemaType.JSON:
        writer = _in_one_union_form(producer.text, producer.references)
    if expectation.schema_type is SchemaType.JSON:
        expectation = _in_one_union_form(expectation.text, expectation.references)
    issues = expectation.incompatibilities(writer, roles=ROLES, policy=CompatibilityPolicy.LENIENT)
    if not isinstance(expectation, JsonSchema):  # Avro paths point into the reader schema only
        reader_document = orjson.loads(expectation.text)
        return [
            ExpectationGap(issue, True, _in_data(expectation, issue), _at(reader_document, issue.path))
            for issue in issues
        ]
    assert isinstance(writer, JsonSchema)
    return [
        ExpectationGap(
            issue,
            breaking=not issue.type.startswith(_VALUE_CONSTRAINTS),
            data_path=_in_data(expectation, issue),
            expected=_value_at(expectation, issue.path),
            found=_found_at(writer, issue.path),
            aligned=True,
            producer=producer_form,
        )
        for issue in issues
    ]


def _in_one_union_form(text: str, references: tuple[ResolvedReference, ...] | Any) -> ParsedSchema:
    """The JSON Schema `text` parsed with its unions of types spelled one way (union_forms)."""
    spelled = tuple(
        replace(reference, text=orjson.dumps(as_alternatives(orjson.loads(reference.text))).decode())
        if reference.schema_type is SchemaType.JSON
        else reference
        for reference in references
    )
    try:
        return parse_schema(
            SchemaType.JSON, orjson.dumps(as_alternatives(orjson.loads(text))).decode(), spelled
        )
    except SchemaParseError:  # nested too deeply once spelled out: compared as written
        return parse_schema(SchemaType.JSON, text, references)


def _found_at(writer: JsonSchema, pointer: str) -> Any:
    """What the producer's schema says at `pointer`; where the expectation has alternatives
    (".../anyOf") and the producer has none, the producer's schema of that value."""
    found = _value_at(writer, pointer)
    parent, _, keyword = pointer.rpartition("/")
    if found is None and keyword in ("anyOf", "oneOf"):
        return _value_at(writer, parent)
    return found


def _value_at(schema: JsonSchema, pointer: str) -> Any:
    """What `schema` says at `pointer`; for a property in `required` ("#/required/email"), whether it is."""
    listing, _, name = pointer.rpartition("/")
    if listing.endswith("/required"):
        listed = schema.value_at(listing)
        [property_name] = pointer_tokens(f"#/{name}")
        return "required" if isinstance(listed, list) and property_name in listed else "optional"
    return schema.value_at(pointer)


def _in_data(expectation: ParsedSchema, issue: Incompatibility) -> str:
    return "$.data" + expectation.data_path(issue.path).removeprefix("$")


def _at(document: Any, pointer: str) -> Any:
    """The part of `document` at a JSON pointer like "#/properties/total" (None when absent)."""
    node = document
    for token in pointer_tokens(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _short(value: Any, limit: int = 160) -> str:
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text if len(text) <= limit else text[: limit - 3] + "..."
