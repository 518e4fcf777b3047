"""Pact message pacts as expectations, so teams already on Pact can bring their contracts.

Every message a consumer reads becomes one expectation: the `messages` of a V3 message pact, the
`Asynchronous/Messages` interactions of a V4 pact, and the responses of its `Synchronous/Messages`
interactions (the request is what the consumer sends, so it expects nothing of it). HTTP interactions
are skipped and counted. A message's example content and its matching rules become matchers with
Pact's meaning kept (contracts.pact_rules).

The event type comes from the message metadata (`eventType`, `type` or `messageType`); real pacts
rarely carry one, so `EventTypes` supplies it: one type for every message, or one per message
description. Metadata wins where present. A message whose content is a whole envelope (it has
`eventType` and `data`) expects its `data` as the payload and the other fields as envelope fields.
A body that is not JSON (the Protobuf plugin's, a base64-encoded one) is refused by name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.errors import ContractError, PactImportError
from contracts.expectations import (
    JSON_SCHEMA_DRAFT,
    ConsumerContract,
    Expectation,
    expect,
    read_json,
)
from contracts.matchers import compile_spec
from contracts.pact_rules import PactRules, body_rules

_EVENT_TYPE_KEYS = ("eventType", "type", "messageType")
_JSON_CONTENT = re.compile(r"^(application|text)/([\w.+-]*\+)?json\s*(;.*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class EventTypes:
    """The event type of messages whose metadata names none: for all, or by message description."""

    default: str | None = None
    by_description: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, options: list[str]) -> EventTypes:
        """From `--event-type TYPE` (at most one) and `--event-type DESCRIPTION=TYPE` options."""
        default = None
        by_description = {}
        for option in options:
            description, separator, event_type = option.rpartition("=")
            if not event_type.strip():
                raise ContractError(f"--event-type {option!r}: write TYPE or DESCRIPTION=TYPE")
            if not separator:
                if default is not None:
                    raise ContractError(
                        f"--event-type {default!r} and {event_type!r}: one TYPE for every message; "
                        "name the messages for more (--event-type 'DESCRIPTION=TYPE')"
                    )
                default = event_type
            else:
                by_description[description] = event_type
        return cls(default, by_description)

    def of(self, description: str, metadata: dict[str, Any]) -> str | None:
        named = next((metadata[key] for key in _EVENT_TYPE_KEYS if isinstance(metadata.get(key), str)), None)
        return named or self.by_description.get(description) or self.default


@dataclass(frozen=True)
class PactImport:
    """A pact file's consumer contract, and how many interactions of each other kind were skipped."""

    contract: ConsumerContract
    skipped: dict[str, int]

    def summary(self) -> str:
        count = len(self.contract.expectations)
        text = f"{count} message{'s' if count != 1 else ''} of {self.contract.consumer}"
        skipped = [
            f"{number} {kind} interaction{'s' if number != 1 else ''}"
            for kind, number in sorted(self.skipped.items())
        ]
        return f"{text}; skipped {', '.join(skipped)}" if skipped else text


@dataclass(frozen=True)
class _Message:
    where: str
    description: str
    body: Any
    content_type: str
    encoded: Any
    rules: Any
    metadata: dict[str, Any]


def import_pact(
    path: Path, *, version: str | None = None, event_types: EventTypes | None = None
) -> PactImport:
    """The consumer contract of a V3 or V4 message pact (every message the consumer reads)."""
    pact = read_json(path)
    origin = str(path)
    if not isinstance(pact, dict):
        raise PactImportError(origin, "$", "a pact file is a JSON object")
    consumer = pact.get("consumer", {}).get("name") if isinstance(pact.get("consumer"), dict) else None
    if not isinstance(consumer, str) or not consumer:
        raise PactImportError(origin, "$.consumer.name", "the pact names no consumer")
    if not isinstance(pact.get("interactions", []), list) or not isinstance(pact.get("messages", []), list):
        raise PactImportError(origin, "$", "interactions and messages must be lists")
    if "interactions" not in pact and "messages" not in pact:
        raise PactImportError(origin, "$.interactions", "the pact has no interactions or messages")
    skipped: Counter[str] = Counter()
    messages = [*_v3_messages(pact.get("messages", [])), *_v4_messages(pact.get("interactions", []), skipped)]
    if not messages:
        kinds = ", ".join(f"{number} {kind}" for kind, number in sorted(skipped.items())) or "nothing"
        raise PactImportError(origin, "$.interactions", f"no message to import (the pact holds {kinds})")
    chosen = event_types or EventTypes()
    expectations = tuple(_expectation(origin, message, chosen) for message in messages)
    return PactImport(ConsumerContract(consumer, version, expectations), dict(skipped))


def _v3_messages(items: list[Any]) -> list[_Message]:
    messages = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        metadata = _object(item.get("metadata") or item.get("metaData"))
        messages.append(
            _Message(
                where=f"$.messages[{index}]",
                description=str(item.get("description") or ""),
                body=item.get("contents", item.get("content")),
                content_type=str(metadata.get("contentType") or "application/json"),
                encoded=False,
                rules=item.get("matchingRules"),
                metadata=metadata,
            )
        )
    return messages


def _v4_messages(items: list[Any], skipped: Counter[str]) -> list[_Message]:
    messages = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        kind = item.get("type") or ("HTTP" if "request" in item else "unknown")
        description = str(item.get("description") or "")
        if kind == "Asynchronous/Messages":
            messages.append(_v4_message(f"$.interactions[{index}]", description, item))
        elif kind == "Synchronous/Messages" and isinstance(item.get("response"), list):
            responses = [response for response in item["response"] if isinstance(response, dict)]
            for number, response in enumerate(responses):
                where = f"$.interactions[{index}].response[{number}]"
                named = description if len(responses) == 1 else f"{description} (response {number + 1})"
                messages.append(_v4_message(where, named, response))
        else:
            skipped[str(kind)] += 1
    return messages


def _v4_message(where: str, description: str, item: dict[str, Any]) -> _Message:
    contents = _object(item.get("contents"))
    metadata = _object(item.get("metadata"))
    return _Message(
        where=where,
        description=description,
        body=contents.get("content"),
        content_type=str(contents.get("contentType") or metadata.get("contentType") or "application/json"),
        encoded=contents.get("encoded", False),
        rules=item.get("matchingRules"),
        metadata=metadata,
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _expectation(origin: str, message: _Message, event_types: EventTypes) -> Expectation:
    named = f"the message {message.description!r}" if message.description else "the message"
    if not _JSON_CONTENT.match(message.content_type) or message.encoded not in (False, None, "json"):
        encoding = f", encoded {message.encoded}" if message.encoded not in (False, None) else ""
        raise PactImportError(
            origin,
            message.where,
            f"{named} has a {message.content_type} body{encoding}, not JSON: only JSON messages "
            "become expectations",
        )
    event_type = event_types.of(message.description, message.metadata)
    if event_type is None:
        raise PactImportError(
            origin,
            f"{message.where}.metadata",
            f"{named} names no event type in its metadata: give --event-type TYPE, or "
            f"--event-type '{message.description or 'DESCRIPTION'}=TYPE'",
        )
    rules = PactRules(origin, message.where, body_rules(message.rules or {}))
    body = message.body
    try:
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and "eventType" in body:
            envelope = {key: rules.spec(value, f"$.{key}") for key, value in body.items() if key != "data"}
            envelope.pop("eventType", None)  # implied by the expectation's event type
            data = rules.spec(body["data"], "$.data")
            return expect(event_type, data, envelope=envelope or None, description=message.description)
        spec = rules.spec(body, "$")
        if isinstance(spec, dict):
            return expect(event_type, spec, description=message.description)
        schema = {"$schema": JSON_SCHEMA_DRAFT, **compile_spec(spec)}
        return Expectation(event_type, schema, description=message.description, spec=spec)
    except ContractError as error:
        if isinstance(error, PactImportError):
            raise
        raise PactImportError(origin, message.where, str(error)) from error
