"""Publishing what application versions declare: consumers' expectations and producers' samples.

Both are publications of one application version: a list of documents, each of one event type, that
replaces the version's earlier publication, read back by version or for every version that counts.
One `Publications` serves both; what differs is how a document is checked and stored, and read back
(`expectation_row` and `expectation_of`, `sample_row` and `sample_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import jsonschema
import orjson
from sqlmodel import Session

from registry import errors
from registry.compatibility import (
    ResolvedReference,
    SchemaParseError,
    SchemaType,
    parse_schema,
    select_message,
)
from registry.contract_store import repository
from registry.contract_store.versions import lock_version, published_version, row_id, versions_that_count
from registry.contract_store.wire import EventVersions, ExpectationPayload, SamplePayload
from registry.models import ContractExpectation, ContractSample

Document = TypeVar("Document", ExpectationPayload, SamplePayload)
Row = TypeVar("Row", ContractExpectation, ContractSample)


@dataclass(frozen=True, slots=True)
class Published(Generic[Document]):
    """What one application version that counts (latest or deployed) published."""

    application: str
    version: str
    items: list[Document]


class Publications(Generic[Document, Row]):
    """One kind of publication: documents stored as rows of `table`, one row per document."""

    def __init__(
        self,
        *,
        table: type[Row],
        row_of: Callable[[int, Document], Row],
        document_of: Callable[[Row], Document],
    ) -> None:
        self._table: type[Row] = table
        # the row of document `index`, checked first (42210 when it is invalid)
        self._row_of: Callable[[int, Document], Row] = row_of
        self._document_of: Callable[[Row], Document] = document_of

    def publish(
        self, *, session: Session, application: str, version: str, documents: Sequence[Document]
    ) -> int:
        """Store (replacing) what `application` at `version` published; returns how many documents."""
        rows = [self._row_of(index, document) for index, document in enumerate(documents)]
        version_id = row_id(lock_version(session=session, application=application, version=version))
        for row in rows:
            row.version_id = version_id
        repository.replace_published(session, table=self._table, version_id=version_id, rows=rows)
        return len(rows)

    def get(self, *, session: Session, application: str, version: str) -> list[Document]:
        """What `application` at `version` published (40410 when it published nothing)."""
        version_id = row_id(published_version(session=session, application=application, version=version))
        rows = repository.list_published(session, table=self._table, version_ids=[version_id])
        return [self._document_of(row) for row in rows]

    def list_relevant(
        self, *, session: Session, event_types: Sequence[str] | None
    ) -> list[Published[Document]]:
        """What every version that counts published, optionally only of some event types."""
        versions = versions_that_count(session=session)
        by_version: dict[int, list[Document]] = {}
        rows = repository.list_published(
            session, table=self._table, version_ids=[row_id(version) for version in versions]
        )
        for row in rows:
            if event_types is None or row.event_type in event_types:
                by_version.setdefault(row.version_id, []).append(self._document_of(row))
        return [
            Published(version.application, version.version, by_version[row_id(version)])
            for version in versions
            if row_id(version) in by_version
        ]


def json_text(value: object, *, where: str) -> str:
    """`value` as stored JSON; orjson refuses integers beyond 64 bits, which nothing here can mean."""
    try:
        return orjson.dumps(value).decode()
    except TypeError as error:
        raise errors.InvalidContractError(f"{where} cannot be stored: {error}") from None


# -- expectations ---------------------------------------------------------------------------------


def expectation_row(index: int, expectation: ExpectationPayload) -> ContractExpectation:
    """Expectation `index` as stored; its reader schema must parse, its envelope schema be valid."""
    where = f"expectations[{index}] ({expectation.event_type})"
    bounds = expectation.event_versions
    if bounds.maximum is not None and bounds.maximum < bounds.minimum:
        raise errors.InvalidContractError(
            f"{where}: eventVersions maximum {bounds.maximum} is below the minimum"
        )
    schema_text = _reader_schema_text(expectation, where=where)
    try:
        if expectation.imports and expectation.schema_type != "PROTOBUF":
            raise errors.InvalidContractError(f"{where}: only a PROTOBUF reader schema has imports")
        reader = parse_schema(
            SchemaType(expectation.schema_type), schema_text, reader_imports(expectation.imports)
        )
        if reader.schema_type is SchemaType.PROTOBUF:
            select_message(reader, message=expectation.message, event_type=expectation.event_type)
    except SchemaParseError as error:
        raise errors.InvalidContractError(f"{where}: the reader schema is invalid: {error}") from error
    if expectation.envelope is not None:
        try:
            jsonschema.Draft7Validator.check_schema(expectation.envelope)
        except jsonschema.SchemaError as error:
            raise errors.InvalidContractError(
                f"{where}: the envelope schema is invalid at {error.json_path}: {error.message}"
            ) from error
    return ContractExpectation(
        version_id=0,  # set once the version's row exists
        position=index,
        event_type=expectation.event_type,
        subject=expectation.subject or expectation.event_type,
        named_subject=expectation.subject is not None,
        min_version=bounds.minimum,
        max_version=bounds.maximum,
        schema_type=expectation.schema_type,
        schema_text=schema_text,
        message=expectation.message,
        imports=json_text(expectation.imports, where=f"{where}: the imports")
        if expectation.imports
        else None,
        envelope_schema=None
        if expectation.envelope is None
        else json_text(expectation.envelope, where=f"{where}: the envelope schema"),
        description=expectation.description,
    )


def reader_imports(imports: dict[str, str] | None) -> tuple[ResolvedReference, ...]:
    """A reader `.proto`'s own imports as the references the Protobuf compiler takes."""
    return tuple(
        ResolvedReference(path, path, 1, SchemaType.PROTOBUF, text)
        for path, text in sorted((imports or {}).items())
    )


def _reader_schema_text(expectation: ExpectationPayload, *, where: str) -> str:
    """The reader schema as stored: a `.proto` file's text as it is, JSON compactly."""
    schema = expectation.schema_
    if (expectation.schema_type == "PROTOBUF") != isinstance(schema, str):
        wanted = "the text of a .proto file" if expectation.schema_type == "PROTOBUF" else "a JSON object"
        raise errors.InvalidContractError(f"{where}: a {expectation.schema_type} reader schema is {wanted}")
    return schema if isinstance(schema, str) else json_text(schema, where=f"{where}: the reader schema")


def expectation_of(row: ContractExpectation) -> ExpectationPayload:
    return ExpectationPayload(
        event_type=row.event_type,
        subject=row.subject if row.named_subject else None,
        event_versions=EventVersions(minimum=row.min_version, maximum=row.max_version),
        schema_type=row.schema_type,  # type: ignore[arg-type]
        schema=row.schema_text if row.schema_type == "PROTOBUF" else orjson.loads(row.schema_text),
        message=row.message,
        imports=None if row.imports is None else orjson.loads(row.imports),
        envelope=None if row.envelope_schema is None else orjson.loads(row.envelope_schema),
        description=row.description,
    )


# -- samples --------------------------------------------------------------------------------------


def sample_row(index: int, sample: SamplePayload) -> ContractSample:
    """Sample `index` as stored; its envelope must name its event type."""
    event_type = sample.envelope.get("eventType")
    if not isinstance(event_type, str) or not event_type:
        raise errors.InvalidContractError(f"samples[{index}]: the envelope has no eventType")
    if (sample.schema_ is None) != (sample.schema_type is None):
        raise errors.InvalidContractError(
            f"samples[{index}]: give schemaType and schema together, or neither"
        )
    return ContractSample(
        version_id=0,  # set once the version's row exists
        position=index,
        event_type=event_type,
        scenario=sample.scenario,
        envelope=json_text(sample.envelope, where=f"samples[{index}]: the envelope"),
        schema_type=sample.schema_type,
        schema_text=sample.schema_,
        generated=sample.generated,
    )


def sample_of(row: ContractSample) -> SamplePayload:
    return SamplePayload(
        scenario=row.scenario,
        envelope=orjson.loads(row.envelope),
        schema_type=row.schema_type,  # type: ignore[arg-type]
        schema=row.schema_text,
        generated=row.generated,
    )


EXPECTATIONS = Publications(table=ContractExpectation, row_of=expectation_row, document_of=expectation_of)
SAMPLES = Publications(table=ContractSample, row_of=sample_row, document_of=sample_of)
