"""Pact V4 message pacts as expectations, so teams already on Pact can bring their contracts.

Each `Asynchronous/Messages` interaction becomes one expectation: its example content and its body
matching rules turn into matchers, with Pact's meaning kept. A value without a rule must be equal to
the example; a `type` rule asks for the same type and cascades to everything below it; array rules
with `min`/`max` become `each_like`. The event type comes from the message metadata (`eventType`,
`type` or `messageType`). A message whose content is a whole envelope (it has `eventType` and `data`)
expects its `data` as the payload and the other fields as envelope fields.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from contracts.errors import ContractError, PactImportError
from contracts.expectations import ConsumerContract, Expectation, expect, read_json
from contracts.matchers import Matcher, Spec, any_of, decimal, each_like, integer, like, string

_EVENT_TYPE_KEYS = ("eventType", "type", "messageType")
_FORMATS = {"date": "date", "time": "time", "datetime": "date-time", "timestamp": "date-time"}


def import_pact(path: Path, *, version: str | None = None) -> ConsumerContract:
    """The consumer contract of a Pact V4 file (every Asynchronous/Messages interaction in it)."""
    pact = read_json(path)
    origin = str(path)
    if not isinstance(pact, dict):
        raise PactImportError(origin, "$", "a pact file is a JSON object")
    consumer = pact.get("consumer", {}).get("name") if isinstance(pact.get("consumer"), dict) else None
    if not isinstance(consumer, str) or not consumer:
        raise PactImportError(origin, "$.consumer.name", "the pact names no consumer")
    interactions = pact.get("interactions")
    if not isinstance(interactions, list):
        raise PactImportError(origin, "$.interactions", "the pact has no list of interactions")
    expectations = [
        _expectation(origin, f"$.interactions[{index}]", interaction)
        for index, interaction in enumerate(interactions)
        if isinstance(interaction, dict) and interaction.get("type") == "Asynchronous/Messages"
    ]
    if not expectations:
        raise PactImportError(origin, "$.interactions", "no Asynchronous/Messages interaction to import")
    return ConsumerContract(consumer, version, tuple(expectations))


def _expectation(origin: str, where: str, interaction: dict[str, Any]) -> Expectation:
    metadata = interaction.get("metadata") or {}
    contents = interaction.get("contents") or {}
    event_type = next((metadata[key] for key in _EVENT_TYPE_KEYS if isinstance(metadata.get(key), str)), None)
    if event_type is None:
        raise PactImportError(
            origin,
            f"{where}.metadata",
            "the message names no event type (set metadata.eventType, e.g. OrderCreated)",
        )
    content = contents.get("content") if isinstance(contents, dict) else None
    if not isinstance(content, dict):
        raise PactImportError(origin, f"{where}.contents.content", "the message content is not a JSON object")
    rules = _body_rules(interaction.get("matchingRules") or {})
    converter = _Converter(origin, where, rules)
    description = str(interaction.get("description") or "")
    try:
        if isinstance(content.get("data"), dict) and "eventType" in content:
            envelope = {
                key: converter.spec(value, f"$.{key}") for key, value in content.items() if key != "data"
            }
            envelope.pop("eventType", None)  # implied by the expectation's event type
            data = converter.spec(content["data"], "$.data")
            return expect(event_type, data, envelope=envelope or None, description=description)
        return expect(event_type, converter.spec(content, "$"), description=description)
    except ContractError as error:
        if isinstance(error, PactImportError):
            raise
        raise PactImportError(origin, where, str(error)) from error


def _body_rules(matching_rules: Any) -> dict[str, list[dict[str, Any]]]:
    """Body rules by normalized path, from V3/V4 (`body`/`content` category) or V2 (`$.body...`) form."""
    rules: dict[str, list[dict[str, Any]]] = {}
    category = matching_rules.get("body") or matching_rules.get("content")
    if isinstance(category, dict):
        for path, rule in category.items():
            matchers = rule.get("matchers", [rule]) if isinstance(rule, dict) else []
            combine = rule.get("combine", "AND") if isinstance(rule, dict) else "AND"
            rules[_normalize(path)] = [{**matcher, "_combine": combine} for matcher in matchers]
    for path, rule in matching_rules.items():
        if isinstance(path, str) and path.startswith("$.body") and isinstance(rule, dict):
            rules[_normalize("$" + path[len("$.body") :])] = [rule]
    return rules


def _normalize(path: str) -> str:
    """Pact path with concrete indices and bracketed names written the same way: `$.items[*].sku`."""
    path = re.sub(r"\[\d+\]", "[*]", path)
    return re.sub(r"\['([^']*)'\]", r".\1", path)


class _Converter:
    def __init__(self, origin: str, where: str, rules: dict[str, list[dict[str, Any]]]) -> None:
        self.origin = origin
        self.where = where
        self.rules = rules

    def spec(self, value: Any, path: str, *, by_type: bool = False) -> Spec:
        matchers = self.rules.get(_normalize(path), [])
        if matchers:
            if len(matchers) > 1 and matchers[0].get("_combine") == "OR":
                return any_of(*(self._apply(m, value, path) for m in matchers))
            return self._combined(matchers, value, path)
        return self._structure(value, path, by_type=by_type)

    def _structure(self, value: Any, path: str, *, by_type: bool) -> Spec:
        if isinstance(value, dict):
            return {key: self.spec(item, f"{path}.{key}", by_type=by_type) for key, item in value.items()}
        if isinstance(value, list) and by_type and value:
            return each_like(self.spec(value[0], f"{path}[*]", by_type=True))
        return like(value) if by_type else value

    def _combined(self, matchers: list[dict[str, Any]], value: Any, path: str) -> Spec:
        # AND of a `type` rule (with array bounds) and a more specific one: the specific one decides
        # the value, the type rule's bounds stay.
        specific = [m for m in matchers if m.get("match", "type") != "type"]
        return self._apply(specific[-1] if specific else matchers[0], value, path, bounds=matchers)

    def _apply(
        self, matcher: dict[str, Any], value: Any, path: str, bounds: list[dict[str, Any]] | None = None
    ) -> Spec:
        kind = matcher.get("match", "type")
        if isinstance(value, list) and kind in ("type", "notEmpty"):
            minimum = max((int(m.get("min", 0)) for m in bounds or [matcher]), default=0)
            item = self.spec(value[0], f"{path}[*]", by_type=True) if value else None
            if item is None:
                raise self._error(path, "an array rule needs an example element")
            return each_like(item, min=max(minimum, 1 if kind == "notEmpty" else 0))
        if kind == "type":
            return self._structure(value, path, by_type=True)
        if kind == "regex":
            return string(pattern=str(matcher.get("regex")), example=value)
        if kind == "include":
            return string(pattern=re.escape(str(matcher.get("value"))), example=value)
        if kind == "integer":
            return integer(example=value)
        if kind in ("decimal", "number"):
            return decimal(example=value)
        if kind == "boolean":
            return like(bool(value))
        if kind == "equality":
            return value
        if kind == "null":
            return None
        if kind == "notEmpty":
            return string(min_length=1, example=value)
        if kind in _FORMATS:
            return _formatted(value, _FORMATS[kind])
        raise self._error(path, f"the Pact matcher '{kind}' has no equivalent expectation")

    def _error(self, path: str, reason: str) -> PactImportError:
        return PactImportError(self.origin, f"{self.where} body {path}", reason)


def _formatted(value: Any, format_name: str) -> Matcher:
    """A string of the format when the example is one (Pact's date patterns vary); else any string."""
    try:
        return string(format=format_name, example=value)
    except ContractError:
        return string(example=value)
