"""Consumer expectations: per event type, the reader schema of what one consumer reads.

An expectation's reader schema describes the event's `data`: a JSON Schema (usually compiled from the
matcher DSL), an Avro reader schema, or a reader `.proto` file (the message the consumer decodes with).
Against a Protobuf producer, `message` names the message read (its full name). Envelope fields the
consumer relies on (correlationId, source, ...) are a separate JSON Schema of the envelope object. A
consumer's expectations, with its name and version, form its contract; it lives as a JSON file in the
consumer's repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import orjson

from contracts.avro_examples import avro_examples
from contracts.errors import ContractError, ContractFileError, MatcherError
from contracts.file_formats import check_file
from contracts.matchers import Spec, compile_spec, variants
from contracts.versions import VersionRange

SchemaType = Literal["JSON", "AVRO", "PROTOBUF"]
JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#"


@dataclass(frozen=True)
class Expectation:
    """What a consumer reads of one event type: a reader schema for `data`, and envelope fields."""

    event_type: str
    schema: dict[str, Any] | str  # a JSON Schema, an Avro reader schema's JSON, or `.proto` text
    schema_type: SchemaType = "JSON"
    message: str | None = None  # the Protobuf message read; None: named like the event type, else the first
    imports: dict[str, str] = field(default_factory=dict)  # a reader .proto's own imports: path -> text
    envelope: dict[str, Any] | None = None
    event_versions: VersionRange = field(default_factory=VersionRange)
    subject: str | None = None
    description: str = ""
    spec: Spec = field(default=None, compare=False, repr=False)  # the DSL it was written in, for examples

    @property
    def subject_name(self) -> str:
        """The registry subject of the event's schema: the client's default strategy is the eventType."""
        return self.subject or self.event_type

    @property
    def schema_text(self) -> str:
        if isinstance(self.schema, str):
            return self.schema
        return orjson.dumps(self.schema, option=orjson.OPT_SORT_KEYS).decode()

    def examples(self) -> list[Any]:
        """`data` values that match: every optional/one_of variant of a DSL expectation, every nullable
        and union variant of an Avro reader schema (contracts.avro_examples)."""
        if self.spec is not None:
            return variants(self.spec)
        if self.schema_type == "AVRO" and isinstance(self.schema, dict):
            return avro_examples(self.schema)
        if self.schema_type == "PROTOBUF":
            # the pytest plugin loads this module with the client's dependencies alone
            from contracts.protobuf_data import protobuf_examples

            return protobuf_examples(
                self.schema_text, self.imports, message=self.message, event_type=self.event_type
            )
        raise ContractError(
            f"the expectation for {self.event_type} is a JSON Schema read from a file, not written with "
            "matchers, so it has no examples: write it with expect(...) to get events that match"
        )

    def to_dict(self) -> dict[str, Any]:
        written = {
            "eventType": self.event_type,
            "subject": self.subject,
            "eventVersions": str(self.event_versions),
            "schemaType": self.schema_type,
            "schema": self.schema,
            "envelope": self.envelope,
            "description": self.description,
        }
        if self.message is not None:
            written["message"] = self.message
        if self.imports:
            written["imports"] = dict(self.imports)
        return written

    @classmethod
    def from_dict(cls, raw: Any) -> Expectation:
        if not isinstance(raw, dict):
            raise ContractError(f"an expectation is a JSON object, not {type(raw).__name__}")
        event_type = raw.get("eventType")
        if not isinstance(event_type, str) or not event_type:
            raise ContractError("an expectation needs an eventType (a non-empty string)")
        schema_type = raw.get("schemaType", "JSON")
        if schema_type not in ("JSON", "AVRO", "PROTOBUF"):
            raise ContractError(
                f"{event_type}: schemaType must be JSON, AVRO or PROTOBUF, not {schema_type!r}"
            )
        schema = raw.get("schema")
        if schema_type == "PROTOBUF" and not isinstance(schema, str):
            raise ContractError(f"{event_type}: a PROTOBUF schema is the text of a reader .proto file")
        if not isinstance(schema, dict | str) or (schema_type != "PROTOBUF" and isinstance(schema, str)):
            raise ContractError(f"{event_type}: schema must be a JSON object (a JSON Schema or Avro record)")
        message = raw.get("message")
        if message is not None and (not isinstance(message, str) or not message):
            raise ContractError(f"{event_type}: message must be a message's full name or null")
        imports = raw.get("imports") or {}
        if not isinstance(imports, dict) or not all(isinstance(text, str) for text in imports.values()):
            raise ContractError(f"{event_type}: imports maps each import path to the imported file's text")
        if imports and schema_type != "PROTOBUF":
            raise ContractError(f"{event_type}: only a PROTOBUF reader schema has imports")
        envelope = raw.get("envelope")
        if envelope is not None and not isinstance(envelope, dict):
            raise ContractError(f"{event_type}: envelope must be a JSON Schema object or null")
        subject = raw.get("subject")
        if subject is not None and not isinstance(subject, str):
            raise ContractError(f"{event_type}: subject must be a string or null")
        return cls(
            event_type=event_type,
            schema=schema,
            schema_type=schema_type,
            message=message,
            imports=imports,
            envelope=envelope,
            event_versions=VersionRange.parse(str(raw.get("eventVersions", "*"))),
            subject=subject,
            description=str(raw.get("description") or ""),
        )


def expect(
    event_type: str,
    data: Spec,
    *,
    envelope: dict[str, Spec] | None = None,
    versions: str = "*",
    subject: str | None = None,
    description: str = "",
    message: str | None = None,
) -> Expectation:
    """A JSON Schema expectation written with matchers: `data` is what the consumer reads of the payload
    (of a Protobuf producer: of its message `message`, in Protobuf's JSON mapping)."""
    if not isinstance(data, dict):
        raise MatcherError(f"the data of {event_type} is an object: write it as a dict of matchers")
    schema = {"$schema": JSON_SCHEMA_DRAFT, **compile_spec(data)}
    return Expectation(
        event_type=event_type,
        schema=schema,
        envelope=None if envelope is None else compile_spec(envelope),
        event_versions=VersionRange.parse(versions),
        subject=subject,
        description=description,
        spec=data,
        message=message,
    )


def expect_avro(
    event_type: str,
    reader_schema: dict[str, Any] | str,
    *,
    envelope: dict[str, Spec] | None = None,
    versions: str = "*",
    subject: str | None = None,
    description: str = "",
) -> Expectation:
    """An expectation given as the consumer's Avro reader schema (what it decodes events with)."""
    schema = orjson.loads(reader_schema) if isinstance(reader_schema, str) else reader_schema
    if not isinstance(schema, dict):
        raise ContractError(f"the Avro reader schema of {event_type} must be a record (a JSON object)")
    return Expectation(
        event_type=event_type,
        schema=schema,
        schema_type="AVRO",
        envelope=None if envelope is None else compile_spec(envelope),
        event_versions=VersionRange.parse(versions),
        subject=subject,
        description=description,
    )


def expect_proto(
    event_type: str,
    reader_proto: str,
    *,
    message: str | None = None,
    imports: dict[str, str] | None = None,
    envelope: dict[str, Spec] | None = None,
    versions: str = "*",
    subject: str | None = None,
    description: str = "",
) -> Expectation:
    """An expectation given as the consumer's reader `.proto` file (the message it decodes events with:
    `message`, its full name, else the one named like the event type, else the file's first).

    `imports` gives the files it imports (other than Google's well-known types and Confluent's), by
    import path: {"acme/common/address.proto": "<its text>"}."""
    if not isinstance(reader_proto, str) or not reader_proto.strip():
        raise ContractError(f"the reader .proto of {event_type} must be the file's text")
    expectation = Expectation(
        event_type=event_type,
        schema=reader_proto,
        schema_type="PROTOBUF",
        message=message,
        imports=dict(imports or {}),
        envelope=None if envelope is None else compile_spec(envelope),
        event_versions=VersionRange.parse(versions),
        subject=subject,
        description=description,
    )
    expectation.examples()  # a precise error now for a file that does not compile or lacks the message
    return expectation


@dataclass(frozen=True)
class ConsumerContract:
    """Everything one consumer version expects."""

    consumer: str
    version: str | None
    expectations: tuple[Expectation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "version": self.version,
            "expectations": [expectation.to_dict() for expectation in self.expectations],
        }

    def with_version(self, version: str | None) -> ConsumerContract:
        return self if version is None else replace(self, version=version)

    @classmethod
    def from_dict(cls, raw: Any, *, origin: str = "contract") -> ConsumerContract:
        if not isinstance(raw, dict) or not isinstance(raw.get("consumer"), str) or not raw["consumer"]:
            raise ContractFileError(origin, 'expected {"consumer": "<name>", "expectations": [...]}')
        items = raw.get("expectations")
        if not isinstance(items, list):
            raise ContractFileError(origin, "expectations must be a list")
        expectations = []
        for index, item in enumerate(items):
            try:
                expectations.append(Expectation.from_dict(item))
            except ContractError as error:
                raise ContractFileError(origin, f"expectations[{index}]: {error}") from error
        version = raw.get("version")
        return cls(raw["consumer"], None if version is None else str(version), tuple(expectations))


def write_contract(contract: ConsumerContract, path: Path) -> Path:
    """Write the consumer's contract file (stable key order, so it diffs well in review)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        orjson.dumps(contract.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )
    return path


def read_contract(path: Path) -> ConsumerContract:
    """A consumer's contract file, checked against its published format (contracts.file_formats)."""
    document = read_json(path)
    check_file(document, "expectations", str(path))
    return ConsumerContract.from_dict(document, origin=str(path))


def read_text(path: Path) -> str:
    """The text in `path`, or ContractFileError saying why it cannot be read."""
    try:
        return path.read_text()
    except OSError as error:
        raise ContractFileError(str(path), error.strerror or str(error)) from error
    except UnicodeDecodeError as error:
        raise ContractFileError(str(path), f"not UTF-8 text: {error}") from error


def read_json(path: Path) -> Any:
    """The JSON document in `path`, or ContractFileError saying why it cannot be read."""
    try:
        return orjson.loads(read_text(path))
    except orjson.JSONDecodeError as error:
        raise ContractFileError(str(path), f"not valid JSON: {error}") from error
