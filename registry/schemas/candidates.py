"""Submitted schemas parsed, resolved against their references, normalized and fingerprinted."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from registry import errors, limits
from registry.compatibility import ResolvedReference, SchemaParseError, SchemaType, parse_schema
from registry.schemas.values import Candidate, SchemaSubmission

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.schemas.store import SchemaStore


class CandidateParser:
    """Turns a submission into the `Candidate` it is stored and compared as (42201 when it is not one).

    The fingerprint identifies a schema: its type, its text (canonical, or normalized when asked),
    its references, metadata and rule set.
    """

    def __init__(self, *, store: SchemaStore, max_schema_bytes: int) -> None:
        self._store = store
        self._max_schema_bytes = max_schema_bytes

    def parse(self, *, session: Session, submission: SchemaSubmission, normalize: bool) -> Candidate:
        if not (submission.text and submission.text.strip()):
            raise errors.InvalidSchemaError("Empty schema")
        limits.check_schema_size(submission.text, max_bytes=self._max_schema_bytes)
        schema_type = _schema_type(submission.schema_type)
        declared, resolved = self._store.resolve_references(
            session=session, references=submission.references, readable=submission.readable
        )
        try:
            parsed = self._store.parse(schema_type=schema_type, text=submission.text, resolved=resolved)
        except errors.InvalidSchemaError as error:
            if submission.schema_type is None and _is_json_schema(submission.text, resolved):
                raise errors.InvalidSchemaError(
                    f"{error.message}. The request has no schemaType, so the schema was read as AVRO; "
                    'it is a valid JSON Schema: send "schemaType": "JSON"'
                ) from error
            raise
        text = parsed.normalized if normalize else parsed.canonical
        metadata = _json_text(submission.metadata)
        rule_set = _json_text(submission.rule_set)
        identity = [
            schema_type.value,
            text,
            [[r.name, r.subject, r.version] for r in declared],
            metadata,
            rule_set,
        ]
        fingerprint = hashlib.sha256(orjson.dumps(identity)).hexdigest()
        return Candidate(parsed, schema_type, text, declared, resolved, metadata, rule_set, fingerprint)


def _schema_type(value: str | None) -> SchemaType:
    if value is None:
        return SchemaType.AVRO
    try:
        return SchemaType(value)
    except ValueError:
        known = ", ".join(schema_type.value for schema_type in SchemaType)
        raise errors.InvalidSchemaError(
            f"Invalid schema type '{value}'; the known types are {known}"
        ) from None


def _is_json_schema(text: str, references: Sequence[ResolvedReference]) -> bool:
    try:
        parse_schema(SchemaType.JSON, text, references)
    except SchemaParseError:
        return False
    return True


def _json_text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
