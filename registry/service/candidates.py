"""Submitted schemas parsed, resolved against their references, normalized and fingerprinted."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from registry import errors, limits
from registry.cache import Reference, StoredSchema
from registry.compatibility import InvalidSchemaError as EngineInvalidSchemaError
from registry.compatibility import ParsedSchema, ResolvedReference, SchemaType, parse_schema
from registry.service.core import RegistryCore, with_body
from registry.service.views import SchemaSubmission

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A submission parsed and put in the form it is stored and compared in."""

    parsed: ParsedSchema
    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    resolved: tuple[ResolvedReference, ...]
    metadata: str | None
    rule_set: str | None
    fingerprint: str


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
    except EngineInvalidSchemaError:
        return False
    return True


def _json_text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


class SchemaReading(RegistryCore):
    """Reading submitted and stored schemas into their parsed form, with a cache of parsed schemas."""

    def _candidate(self, session: Session, submission: SchemaSubmission, *, normalize: bool) -> Candidate:
        if not (submission.text and submission.text.strip()):
            raise errors.InvalidSchemaError("Empty schema")
        limits.check_schema_size(submission.text, max_bytes=self.settings.max_schema_bytes)
        schema_type = _schema_type(submission.schema_type)
        declared, resolved = self._resolve_references(session, submission.references)
        try:
            parsed = self._parse(schema_type, submission.text, resolved)
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

    def _resolve_references(
        self, session: Session, references: Sequence[Reference]
    ) -> tuple[tuple[Reference, ...], tuple[ResolvedReference, ...]]:
        """The declared references with concrete versions, and every schema they need, dependencies first."""
        limits.check_reference_count(len(references), max_references=self.settings.max_references)
        declared: list[Reference] = []
        resolved: dict[tuple[str, int], ResolvedReference] = {}

        def visit(reference: Reference, chain: tuple[tuple[str, int], ...]) -> Reference:
            row = self._find_version(session, subject=reference.subject, version=reference.version)
            if row is None:
                raise errors.InvalidSchemaError(
                    f"Invalid schema: reference '{reference.name}' names version {reference.version} of "
                    f"subject '{reference.subject}', which is not registered"
                )
            key = (row.subject, row.version)
            if key in chain:
                raise errors.InvalidSchemaError(f"Invalid schema: references form a cycle through {key}")
            if key not in resolved:
                limits.check_reference_count(len(resolved) + 1, max_references=self.settings.max_references)
                stored = self._load_schema(session, schema_id=row.schema_id, epoch=None)
                for nested in stored.references:
                    visit(nested, (*chain, key))
                resolved[key] = ResolvedReference(
                    reference.name, row.subject, row.version, stored.schema_type, stored.text
                )
            return Reference(reference.name, row.subject, row.version)

        for reference in references:
            declared.append(visit(reference, ()))
        return tuple(declared), tuple(resolved.values())

    def _parse(
        self, schema_type: SchemaType, text: str, resolved: tuple[ResolvedReference, ...]
    ) -> ParsedSchema:
        key = (schema_type, text, resolved)
        parsed = self._parsed.get(key)
        if self.metrics is not None:
            self.metrics.count_cache_lookup("parsed", parsed is not None)
        if parsed is None:
            limits.check_schema_depth(text, max_depth=self.settings.max_schema_depth)
            try:
                parsed = parse_schema(schema_type, text, resolved)
            except EngineInvalidSchemaError as error:
                raise errors.InvalidSchemaError(str(error)) from error
            except Exception as error:
                # Parser libraries raise their own errors on some malformed documents
                # (fastavro: TypeError on `[1]`); they are still the client's invalid schema.
                log.warning("schema parser failed with %s", type(error).__name__, exc_info=error)
                raise errors.InvalidSchemaError(f"Invalid {schema_type.value} schema: {error}") from error
            self._parsed.put(key, parsed)
        return parsed

    def _remember_registered(self, candidate: Candidate, *, schema_id: int, epoch: int) -> None:
        """Cache a schema this process has just stored, parsed too: the next version of its subject is
        checked against it."""
        stored = StoredSchema(
            schema_id,
            candidate.schema_type,
            candidate.text,
            candidate.references,
            candidate.metadata,
            candidate.rule_set,
            body=b"",
        )
        self.cache.put_schema(with_body(stored), epoch=epoch)
        if candidate.text == candidate.parsed.canonical:  # the stored text reads as the submitted one
            self._parsed.put((candidate.schema_type, candidate.text, candidate.resolved), candidate.parsed)

    def _parsed_schema(self, session: Session, schema_id: int) -> ParsedSchema:
        stored = self.cache.schema(schema_id) or self._load_schema(session, schema_id=schema_id, epoch=None)
        _, resolved = self._resolve_references(session, stored.references)
        return self._parse(stored.schema_type, stored.text, resolved)
