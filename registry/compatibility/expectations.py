"""A consumer's expectation (the reader) against a producer's schema (the writer), across formats.

Used by the contract harness (static verification) and by the registry (consumer-aware registration).

- Same format: the engine's reader/writer check, JSON Schema under the LENIENT policy: an expectation
  lists only what its consumer reads, so keys the producer does not declare are simply not read.
- Avro producer, JSON Schema expectation: the producer's schema becomes the JSON Schema of its decoded
  form (registry.compatibility.decoded), then the JSON engine compares.
- Avro expectation, JSON Schema producer: an Avro decoder cannot read JSON events; always a gap.

Gaps are *breaking* when the producer's schema lets through data of another shape than the consumer
reads (a missing required field, another type, an enum value the consumer does not know). A value
constraint the consumer adds (bounds, lengths, patterns, formats) is *unguaranteed*: schemas rarely
state such rules (Avro cannot), so they are checked on the producer's samples instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from registry.compatibility.decoded import decoded_json_schema
from registry.compatibility.formats import parse_schema
from registry.compatibility.levels import CompatibilityPolicy
from registry.compatibility.result import Incompatibility
from registry.compatibility.schema import ParsedSchema, Roles, SchemaType

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

    `expected` is the expectation's JSON at the path; `found` the producer schema's, when both schemas
    are JSON Schema and the path means the same place in both (`aligned`).
    """

    incompatibility: Incompatibility
    breaking: bool
    expected: Any = None
    found: Any = None
    aligned: bool = False

    def describe(self) -> str:
        """What a person needs: where, what the consumer expects, what the producer's schema says."""
        issue = self.incompatibility
        text = f"{issue.type} at {issue.path}: "
        if self.aligned:
            expected = "nothing" if self.expected is None else _short(self.expected)
            found = "nothing (not declared)" if self.found is None else _short(self.found)
            return text + f"expects {expected}; the producer's schema has {found}"
        text += issue.message
        return text if self.expected is None else f"{text} (expects {_short(self.expected)})"


def expectation_gaps(expectation: ParsedSchema, producer: ParsedSchema) -> list[ExpectationGap]:
    """Every gap between what `expectation` reads and what `producer` may write (empty: none)."""
    if expectation.schema_type is SchemaType.AVRO and producer.schema_type is not SchemaType.AVRO:
        issue = Incompatibility(
            "SCHEMA_TYPE_MISMATCH",
            "#",
            "the expectation is an Avro reader schema, but the producer publishes "
            f"{producer.schema_type} events, which an Avro decoder cannot read",
        )
        return [ExpectationGap(issue, breaking=True)]
    writer = producer
    if expectation.schema_type is SchemaType.JSON and producer.schema_type is SchemaType.AVRO:
        writer = parse_schema(
            SchemaType.JSON, orjson.dumps(decoded_json_schema(producer.text, producer.references)).decode()
        )
    issues = expectation.incompatibilities(writer, roles=ROLES, policy=CompatibilityPolicy.LENIENT)
    reader_document = orjson.loads(expectation.text)
    if expectation.schema_type is not SchemaType.JSON:  # Avro paths point into the reader schema only
        return [ExpectationGap(issue, True, _at(reader_document, issue.path)) for issue in issues]
    writer_document = orjson.loads(writer.text)
    return [
        ExpectationGap(
            issue,
            breaking=not issue.type.startswith(_VALUE_CONSTRAINTS),
            expected=_at(reader_document, issue.path),
            found=_at(writer_document, issue.path),
            aligned=True,
        )
        for issue in issues
    ]


def _at(document: Any, pointer: str) -> Any:
    """The part of `document` at a JSON pointer like "#/properties/total" (None when absent)."""
    node = document
    for raw in pointer.lstrip("#").split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
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
