"""Protobuf data in the harness: samples and examples in Protobuf's JSON mapping, read by protobuf itself.

A sample of a Protobuf producer is its message in the JSON mapping (`json_format.MessageToDict`'s form,
or any form `ParseDict` accepts: int64 as numbers or text, field names or JSON names). It is checked by
parsing it into the producer's message with protobuf's own `json_format.ParseDict`, each field on its own
where the whole does not parse (client.protobuf_violations), so every finding has its path. What a
consumer then sees is the *decoded* message: every field with implicit presence has a value (its default
when the producer left it out), so the expectation is checked against that form.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from google.protobuf import json_format, message_factory

from client.errors import Violation
from client.protobuf_violations import message_from_dict, required_field_violations
from contracts.errors import ContractError
from registry.compatibility import (
    ResolvedReference,
    SchemaParseError,
    SchemaType,
    parse_schema,
    select_message,
)


@lru_cache(maxsize=256)
def message_class(
    text: str,
    references: tuple[ResolvedReference, ...] = (),
    *,
    message: str | None = None,
    event_type: str | None = None,
) -> Any:
    """The message class of the Protobuf schema `text` that a sample or expectation is about (see
    registry.compatibility.select_message). Raises SchemaParseError."""
    schema = parse_schema(SchemaType.PROTOBUF, text, references)
    return message_factory.GetMessageClass(select_message(schema, message=message, event_type=event_type))


def decoded(message: Any) -> dict[str, Any]:
    """The message in the JSON mapping as a consumer decodes it: implicit-presence fields included."""
    result: dict[str, Any] = json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
    return result


def parsed_sample(data: Any, cls: Any, *, ignore_unknown: bool = False) -> tuple[Any, list[Violation]]:
    """The message `data` (JSON mapping) is, or every way it is not one of `cls`. With
    `ignore_unknown`, fields `cls` does not declare are skipped, as a reader decoding them does."""
    if not isinstance(data, dict):
        return None, [_not_an_object(data, cls)]
    message, violations = message_from_dict(data, cls)
    if ignore_unknown:
        violations = [violation for violation in violations if violation.rule != "unknown_field"]
        if message is None and not violations:
            message = cls()
            json_format.ParseDict(data, message, ignore_unknown_fields=True)
    if message is None:
        return None, violations
    return message, [] if message.IsInitialized() else required_field_violations(message)


def imported(imports: dict[str, str]) -> tuple[ResolvedReference, ...]:
    """A reader `.proto`'s own imports (import path -> text) as the references the compiler takes."""
    return tuple(
        ResolvedReference(path, path, 1, SchemaType.PROTOBUF, text) for path, text in sorted(imports.items())
    )


def protobuf_examples(
    text: str, imports: dict[str, str], *, message: str | None, event_type: str
) -> list[Any]:
    """An event a reader `.proto` reads: its message with every field at its default, decoded."""
    try:
        cls = message_class(text, imported(imports), message=message, event_type=event_type)
    except SchemaParseError as error:
        raise ContractError(f"the reader .proto of {event_type} cannot be used: {error}") from error
    return [decoded(cls())]


def _not_an_object(data: Any, cls: Any) -> Violation:
    reason = f"message {cls.DESCRIPTOR.full_name} is a JSON object in the JSON mapping"
    return Violation("type", "$", f"{reason}, not {type(data).__name__}", data)
