"""Combining keywords: `anyOf`, `oneOf`, `not`, `if`/`then`/`else` (and `allOf`, which the comparison
reads as conjuncts, for its report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.comparison import (
    allowed_values,
    child_path,
    conjuncts,
    required_names,
    value_types,
)
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.objects import reasons
from registry.compatibility.jsonschema.values import ALL_ATOMS, KEYWORD_ATOMS, OBJECT_ATOMS, freeze

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Part, Scope
    from registry.compatibility.jsonschema.nodes import Node

T = DifferenceType


def _branches(node: Node | None, keyword: str) -> list[Node] | None:
    value = node.get(keyword) if node is not None else None
    return [node.child(branch) for branch in value] if node is not None and isinstance(value, list) else None


def _writer_alternatives(writer: Node | None, scope: Scope) -> tuple[str, list[Node]]:
    """What every writer value is one of: the branches of its `anyOf` or `oneOf`, else the whole writer."""
    for keyword in ("anyOf", "oneOf"):
        branches = _branches(writer, keyword)
        if branches is not None:
            return keyword, branches
    return "", [scope.writer]


def _tried_first(index: int, count: int) -> list[int]:
    """Branch indexes with the same position first: reordering is rare, editing in place common."""
    return (
        [index, *(other for other in range(count) if other != index)] if index < count else list(range(count))
    )


def _described(keyword: str, index: int, role: str) -> str:
    return f"{keyword}/{index} of the {role} schema" if keyword else f"the {role} schema"


def compare_any_of(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    options = _branches(reader, "anyOf")
    if options is None:
        return
    keyword, sources = _writer_alternatives(writer, scope)
    for index, source in enumerate(sources):
        first_failure = None
        for option in _tried_first(index, len(options)):
            trial = comparison.admits(source, options[option], child_path(path, "anyOf", str(option)))
            if trial.compatible:
                break
            first_failure = first_failure or trial
        else:
            kind = T.SUM_TYPE_NARROWED if len(options) < len(sources) else T.COMBINED_TYPE_SUBSCHEMAS_CHANGED
            comparison.add(
                kind,
                child_path(path, "anyOf"),
                f"{_described(keyword, index, comparison.writer)} admits values no anyOf branch of the "
                f"{comparison.reader} schema admits: {reasons(first_failure) if first_failure else ''}",
            )
            return
    if keyword == "oneOf":
        comparison.add(T.COMBINED_TYPE_EXTENDED, child_path(path, "anyOf"))
    if len(options) > len(sources):
        comparison.add(T.SUM_TYPE_EXTENDED, child_path(path, "anyOf"))


def compare_one_of(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    options = _branches(reader, "oneOf")
    if options is None:
        return
    where = child_path(path, "oneOf")
    keyword, sources = _writer_alternatives(writer, scope)
    if keyword == "oneOf" and _same_branches(comparison, sources, options, where):
        return
    possible = scope.writer_types - (_rejected_by_one_of(sources) if keyword == "oneOf" else frozenset())
    for index, source in enumerate(sources):
        match, failure = None, None
        for option in _tried_first(index, len(options)):
            trial = comparison.admits(source, options[option], child_path(where, str(option)))
            if trial.compatible:
                match = option
                break
            failure = failure or trial
        if match is None:
            kind = T.SUM_TYPE_NARROWED if len(options) < len(sources) else T.COMBINED_TYPE_SUBSCHEMAS_CHANGED
            if keyword == "anyOf":
                kind = T.COMBINED_TYPE_CHANGED
            comparison.add(
                kind,
                where,
                f"{_described(keyword, index, comparison.writer)} admits values no oneOf branch of the "
                f"{comparison.reader} schema admits: {reasons(failure) if failure else ''}",
            )
            return
        for other, branch in enumerate(options):
            if other != match and not (
                disjoint(source, branch, within=possible) or disjoint(options[match], branch, within=possible)
            ):
                comparison.add(
                    T.COMBINED_TYPE_CHANGED if keyword == "anyOf" else T.COMBINED_TYPE_SUBSCHEMAS_CHANGED,
                    where,
                    f"values of {_described(keyword, index, comparison.writer)} match oneOf/{match} of the "
                    f"{comparison.reader} schema and may also match oneOf/{other}; oneOf rejects a value "
                    "that "
                    "matches two branches. Make the branches exclusive (different types, or a required "
                    "property with different `const` values), or use anyOf",
                )
                return
    if keyword == "anyOf":
        comparison.add(T.COMBINED_TYPE_EXTENDED, where)
    if len(options) > len(sources):
        comparison.add(T.SUM_TYPE_EXTENDED, where)


def _same_branches(comparison: Comparison, sources: list[Node], options: list[Node], where: str) -> bool:
    """Whether both `oneOf`s have the same branches, in any order."""
    if len(sources) != len(options):
        return False
    unused = list(range(len(options)))
    for source in sources:
        match = next(
            (option for option in unused if equivalent(comparison, source, options[option], where)), None
        )
        if match is None:
            return False
        unused.remove(match)
    return True


def equivalent(comparison: Comparison, first: Node, second: Node, where: str) -> bool:
    """Whether two subschemas admit the same values, as far as the comparison can show."""
    if first.draft is second.draft and first.fingerprint == second.fingerprint and not first.has_references:
        return True
    return (
        comparison.admits(first, second, where).compatible
        and comparison.admits(second, first, where).compatible
    )


def _rejected_by_one_of(branches: list[Node]) -> frozenset[str]:
    """Value types a `oneOf` rejects outright: two of its branches say nothing about them, so every such
    value matches both (e.g. non-objects, for branches that only describe objects)."""
    rejected: set[str] = set()
    silent_on: list[frozenset[str]] = [_unconstrained_types(branch) for branch in branches]
    for index, atoms in enumerate(silent_on):
        for other in silent_on[index + 1 :]:
            rejected |= atoms & other
    return frozenset(rejected)


def _unconstrained_types(node: Node) -> frozenset[str]:
    contents = node.contents
    if contents is True:
        return ALL_ATOMS
    if contents is False:
        return frozenset()
    constrained: set[str] = set()
    for keyword in contents:
        if keyword in node.draft.keywords:
            constrained |= KEYWORD_ATOMS.get(keyword, ALL_ATOMS)
    return ALL_ATOMS - constrained


def disjoint(first: Node, second: Node, *, within: frozenset[str] = ALL_ATOMS, depth: int = 0) -> bool:
    """Whether no value (of the types `within`) is valid under both; False when that cannot be shown
    cheaply."""
    first_parts, second_parts = conjuncts(first, "#/"), conjuncts(second, "#/")
    if first_parts is None or second_parts is None:
        return True
    shared = value_types(first_parts) & value_types(second_parts) & within
    if not shared:
        return True
    first_values, second_values = _values(first_parts), _values(second_parts)
    if first_values is not None and second_values is not None and not first_values & second_values:
        return True
    if shared <= OBJECT_ATOMS and depth < 3:
        # Objects that must carry a property whose values cannot agree (a discriminator).
        for name in _required(first_parts) & _required(second_parts):
            first_schema, second_schema = _property(first_parts, name), _property(second_parts, name)
            if first_schema and second_schema and disjoint(first_schema, second_schema, depth=depth + 1):
                return True
    return False


def _values(parts: list[Part]) -> set[object] | None:
    found: set[object] | None = None
    for part in parts:
        values = allowed_values(part.node)
        if values is not None:
            keys = {freeze(value) for value in values}
            found = keys if found is None else found & keys
    return found


def _required(parts: list[Part]) -> set[str]:
    return {name for part in parts for name in required_names(part.node)}


def _property(parts: list[Part], name: str) -> Node | None:
    for part in parts:
        properties = part.node.get("properties")
        if isinstance(properties, dict) and name in properties:
            return part.node.child(properties[name])
    return None


def compare_not(comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str) -> None:
    excluded = reader.get("not")
    if excluded is None:
        return
    where = child_path(path, "not")
    now_excluded = reader.child(excluded)
    previously = writer.get("not") if writer is not None else None
    failure = None
    if writer is not None and previously is not None:
        # `not A` admits everything `not B` does exactly when B admits everything A does.
        trial = comparison.trial(swap_roles=True)
        trial.compare(now_excluded, writer.child(previously), where)
        if trial.compatible:
            if trial.differences:
                comparison.add(T.NOT_TYPE_NARROWED, where)
            return
        failure = trial
    if disjoint(scope.writer, now_excluded):
        return
    comparison.add(
        T.NOT_TYPE_EXTENDED,
        where,
        f"the {comparison.reader} schema's `not` excludes values the {comparison.writer} schema allows"
        + (f" (inside the negation: {reasons(failure)})" if failure else ""),
    )


def compare_condition(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    condition = reader.get("if")
    before = writer.get("if") if writer is not None else None
    if condition is None or (reader.get("then") is None and reader.get("else") is None):
        if (
            before is not None
            and writer is not None
            and (writer.get("then") is not None or writer.get("else") is not None)
        ):
            comparison.add(T.CONDITION_REMOVED, child_path(path, "if"))
        return
    same_condition = (
        writer is not None
        and before is not None
        and equivalent(comparison, writer.child(before), reader.child(condition), child_path(path, "if"))
    )
    for branch in ("then", "else"):
        required = reader.get(branch)
        if required is None:
            continue
        where = child_path(path, branch)
        required_node = reader.child(required)
        previous = writer.get(branch) if same_condition and writer is not None else None
        attempt = None
        if previous is not None and writer is not None:
            attempt = comparison.admits(writer.child(previous), required_node, where)
            if attempt.compatible:
                comparison.adopt(attempt)
                continue
        if comparison.admits(scope.writer, required_node, where, strict=True).compatible:
            continue  # every writer value satisfies the branch, whatever the condition says
        if attempt is not None:
            comparison.adopt(attempt)
        elif before is None:
            comparison.add(
                T.CONDITION_ADDED,
                where,
                f"the {comparison.reader} schema adds a condition whose `{branch}` rejects values the "
                f"{comparison.writer} schema allows",
            )
        elif same_condition:
            comparison.add(
                T.CONDITION_ADDED,
                where,
                f"the {comparison.reader} schema adds a `{branch}` that rejects values the "
                f"{comparison.writer} schema allows",
            )
        else:
            comparison.add(
                T.CONDITION_CHANGED,
                child_path(path, "if"),
                "the `if` schema changed, and which values switch between `then` and `else` cannot be "
                "decided in general, so the change is refused; keep the condition and change its branches",
            )
            return


def compare_all_of(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before, after = _branches(writer, "allOf"), _branches(reader, "allOf")
    if before is not None and len(before) > len(after or []):
        comparison.add(T.PRODUCT_TYPE_NARROWED, child_path(path, "allOf"))
