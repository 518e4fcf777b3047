"""Pact matching rules as matchers, with Pact's meaning kept (the mapping table is in docs/contracts.md).

Rules come in every spec version's form: V2 (`"$.body.items": {"match": "type", "min": 1}` at the top
of `matchingRules`), V3 and V4 (a `body` or `content` category of paths, each with `matchers` and
`combine`). A value without a rule must equal the example; a `type` rule asks for the same type and
cascades to everything below it. Paths may use wildcards (`$.*`, `$.items[*]`, `$['a b']`); the most
specific path that matches a place wins. A rule with no faithful equivalent is refused by name.
"""

from __future__ import annotations

import re
from typing import Any

from contracts.date_patterns import java_date_regex
from contracts.errors import ContractError, PactImportError
from contracts.matchers import (
    Matcher,
    Spec,
    any_of,
    array_contains,
    decimal,
    each_like,
    each_value,
    integer,
    like,
    string,
)
from contracts.string_formats import literal_pattern

Rules = dict[str, list[dict[str, Any]]]

_FORMATS = {"date": "date", "time": "time", "datetime": "date-time", "timestamp": "date-time"}
_SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
# Rules Pact has that say nothing a JSON message body could be checked against.
_UNSUPPORTED = {
    "contentType": "it checks the content type of a binary body, and a message body here is JSON",
    "statusCode": "it matches HTTP status codes, not message bodies",
    "status": "it matches HTTP status codes, not message bodies",
}


def body_rules(matching_rules: Any) -> Rules:
    """Body rules by normalized path, from V3/V4 (`body`/`content` category) or V2 (`$.body...`) form."""
    rules: Rules = {}
    if not isinstance(matching_rules, dict):
        return rules
    for name in ("body", "content"):
        category = matching_rules.get(name)
        if not isinstance(category, dict):
            continue
        for path, rule in category.items():
            if not isinstance(rule, dict):
                continue
            matchers = rule.get("matchers", [rule])
            combine = rule.get("combine", "AND")
            rules[normalize(path)] = [{**matcher, "_combine": combine} for matcher in matchers]
    for path, rule in matching_rules.items():
        if isinstance(path, str) and path.startswith("$.body") and isinstance(rule, dict):
            rules[normalize("$" + path[len("$.body") :])] = [{**rule, "_combine": "AND"}]
    return rules


def normalize(path: str) -> str:
    """A Pact path with indices and bracketed names written one way: `$.items[*].sku`, `$.a b`."""
    path = path if path.startswith("$") else f"$.{path}"
    path = re.sub(r"\[\d+\]", "[*]", path)
    return re.sub(r"\['([^']*)'\]", r".\1", path)


class PactRules:
    """Turns one message body (its example and its rules) into a spec of matchers."""

    def __init__(self, origin: str, where: str, rules: Rules) -> None:
        self.origin = origin
        self.where = where
        self.rules = rules
        self._patterns = [(_path_pattern(path), path.count("*"), path) for path in rules]

    def spec(self, value: Any, path: str, *, by_type: bool = False) -> Spec:
        matchers = self._rules_at(path)
        if matchers:
            if len(matchers) > 1 and matchers[0].get("_combine") == "OR":
                return any_of(*(self._apply(m, value, path) for m in matchers))
            return self._combined(matchers, value, path)
        return self._structure(value, path, by_type=by_type)

    def _rules_at(self, path: str) -> list[dict[str, Any]]:
        exact = self.rules.get(path)
        if exact is not None:
            return exact
        found = [(wildcards, rule) for pattern, wildcards, rule in self._patterns if pattern.fullmatch(path)]
        return self.rules[min(found)[1]] if found else []

    def _structure(self, value: Any, path: str, *, by_type: bool) -> Spec:
        if isinstance(value, dict):
            return {key: self.spec(item, f"{path}.{key}", by_type=by_type) for key, item in value.items()}
        if isinstance(value, list) and by_type and value:
            return each_like(self.spec(value[0], f"{path}[*]", by_type=True))
        return like(value) if by_type else value

    def _combined(self, matchers: list[dict[str, Any]], value: Any, path: str) -> Spec:
        # AND of a `type` rule (with array bounds) and a more specific one: the specific one decides
        # the value, the type rule's bounds stay.
        specific = [m for m in matchers if _kind(m) != "type"]
        return self._apply(specific[-1] if specific else matchers[0], value, path, bounds=matchers)

    def _apply(
        self, matcher: dict[str, Any], value: Any, path: str, bounds: list[dict[str, Any]] | None = None
    ) -> Spec:
        kind = _kind(matcher)
        if kind in _UNSUPPORTED:
            raise self._error(
                path, f"the Pact matcher '{kind}' has no equivalent expectation: {_UNSUPPORTED[kind]}"
            )
        if isinstance(value, list) and kind in ("type", "notEmpty"):
            return self._array(value, path, bounds or [matcher], at_least_one=kind == "notEmpty")
        try:
            return self._value(kind, matcher, value, path)
        except ContractError as error:
            if isinstance(error, PactImportError):
                raise
            raise self._error(path, f"the Pact matcher '{kind}' on {value!r}: {error}") from error

    def _array(
        self, value: list[Any], path: str, bounds: list[dict[str, Any]], *, at_least_one: bool
    ) -> Spec:
        minimum = max((int(m.get("min", 0)) for m in bounds), default=0)
        maxima = [int(m["max"]) for m in bounds if "max" in m]
        if not value:
            raise self._error(path, "an array rule needs an example element")
        item = self.spec(value[0], f"{path}[*]", by_type=True)
        return each_like(
            item, min=max(minimum, 1 if at_least_one else 0), max=min(maxima) if maxima else None
        )

    def _value(self, kind: str, matcher: dict[str, Any], value: Any, path: str) -> Spec:
        if kind == "type":
            return self._structure(value, path, by_type=True)
        if kind in ("regex", "include", "semver") and not isinstance(value, str):
            raise self._error(path, f"the Pact matcher '{kind}' applies to strings, not {value!r}")
        if kind == "regex":
            return string(pattern=_whole(str(matcher.get("regex"))), example=value)
        if kind == "include":
            return string(pattern=literal_pattern(str(matcher.get("value"))), example=value)
        if kind == "semver":
            return string(pattern=_SEMVER, example=value)
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
            return string(min_length=1, example=value) if isinstance(value, str) else like(value)
        if kind in _FORMATS:
            pattern = matcher.get("format") or matcher.get(kind)
            if isinstance(pattern, str) and pattern:
                return string(pattern=java_date_regex(pattern), example=value)
            return _formatted(value, _FORMATS[kind])
        if kind in ("values", "eachKeyLike") and isinstance(value, dict):
            return self._map(value, path, None, [{"match": "type"}])
        if kind == "eachValue":
            return self._each_value(matcher, value, path)
        if kind == "eachKey" and isinstance(value, dict):
            keys = [str(rule.get("regex")) for rule in matcher.get("rules", []) if _kind(rule) == "regex"]
            values = self._rules_at(f"{path}.*") or [{"match": "type", "_combine": "AND"}]
            return self._map(value, path, keys[0] if keys else None, values)
        if kind == "arrayContains" and isinstance(value, list):
            return self._array_contains(matcher, value, path)
        raise self._error(path, f"the Pact matcher '{kind}' has no equivalent expectation")

    def _map(
        self, value: dict[str, Any], path: str, keys: str | None, rules: list[dict[str, Any]]
    ) -> Matcher:
        if not value:
            raise self._error(path, "a rule on every value of a map needs an example entry")
        first = next(iter(value.values()))
        nested = PactRules(self.origin, self.where, {**self.rules, f"{path}.*": rules})
        return each_value(nested.spec(first, f"{path}.*"), keys=keys, example=value)

    def _each_value(self, matcher: dict[str, Any], value: Any, path: str) -> Spec:
        rules = [rule for rule in matcher.get("rules", []) if isinstance(rule, dict)] or [{"match": "type"}]
        rules = [{**rule, "_combine": "AND"} for rule in rules]
        if isinstance(value, dict):
            return self._map(value, path, None, rules)
        if isinstance(value, list) and value:
            nested = PactRules(self.origin, self.where, {**self.rules, f"{path}[*]": rules})
            return each_like(nested.spec(value[0], f"{path}[*]"))
        raise self._error(path, f"the Pact matcher 'eachValue' applies to maps and arrays, not {value!r}")

    def _array_contains(self, matcher: dict[str, Any], value: list[Any], path: str) -> Spec:
        items = []
        for variant in matcher.get("variants", []):
            index = int(variant.get("index", 0))
            if not 0 <= index < len(value):
                raise self._error(path, f"arrayContains names element {index}, which the example lacks")
            rules = body_rules({"body": variant.get("rules") or {}})
            items.append(PactRules(self.origin, self.where, rules).spec(value[index], "$"))
        if not items:
            raise self._error(path, "arrayContains needs at least one variant")
        return array_contains(*items)

    def _error(self, path: str, reason: str) -> PactImportError:
        return PactImportError(self.origin, f"{self.where} body {path}", reason)


def _whole(regex: str) -> str:
    """A Pact regex matches the whole value (as Java's `matches`); a JSON Schema pattern searches."""
    if regex.startswith("^") and regex.endswith("$") and not regex.endswith("\\$"):
        return regex
    return f"^(?:{regex})$"


def _kind(matcher: dict[str, Any]) -> str:
    """The matcher's name; V2 rules without `match` say it with their keys."""
    if "match" in matcher:
        return str(matcher["match"])
    if "regex" in matcher:
        return "regex"
    return "type"


def _path_pattern(path: str) -> re.Pattern[str]:
    """A regular expression for the places a rule path with wildcards (`.*`, `[*]`) matches."""
    parts = re.split(r"(\.\*|\[\*\])", path)
    pattern = "".join(
        r"\.[^.\[]+" if part == ".*" else r"\[\*\]" if part == "[*]" else re.escape(part) for part in parts
    )
    return re.compile(pattern)


def _formatted(value: Any, format_name: str) -> Matcher:
    """A rule without a pattern: Pact's default, ISO 8601 (`date`, `time`, `date-time`)."""
    if not isinstance(value, str):
        raise ContractError(f"a {format_name} is a string")
    return string(format=format_name, example=value)
