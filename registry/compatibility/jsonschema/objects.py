"""Object keywords: properties and their content model, `required`, dependencies, counts, property names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.comparison import child_path, required_names
from registry.compatibility.jsonschema.content_models import Governed, ObjectModel, may_overlap, object_model
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.limits import compare_limit, node_limit
from registry.compatibility.jsonschema.nodes import Node

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Scope

T = DifferenceType


def compare_properties(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = object_model(writer, scope.writer_parts, reader=False)
    after = object_model(reader, scope.reader_parts, reader=True)
    if before.is_empty and after.is_empty:
        return
    unchanged_names = _unchanged_properties(writer, before, reader, after)
    required = set(required_names(reader))
    plain = not (before.patterns or after.patterns or after.unevaluated_too)
    for name in dict.fromkeys([*before.properties, *after.properties]):
        if name in unchanged_names:
            continue
        where = child_path(path, "properties", name)
        if name in before.properties and name in after.properties:
            if plain:
                comparison.compare(before.properties[name], after.properties[name], where, descend=True)
            else:
                _compare_governing(comparison, before.governing(name), after.governing(name), where)
        elif name in after.properties:
            newly_required = name in required and name not in scope.writer_required
            _property_added(comparison, before, after, name, where, newly_required=newly_required)
        else:
            _property_removed(comparison, before, after, name, where)
    _compare_patterns(comparison, before, after, path)
    _compare_rest(comparison, before, after, path)


def _unchanged_properties(
    writer: Node | None, before: ObjectModel, reader: Node, after: ObjectModel
) -> set[str]:
    """Properties written identically on both sides, and so compatible, unless patterns also apply."""
    if writer is None or writer.draft is not reader.draft or before.patterns or after.patterns:
        return set()
    if after.unevaluated_too is not None or not before.properties or not after.properties:
        return set()
    old = writer.index.member_fingerprints(before.properties.written)
    new = reader.index.member_fingerprints(after.properties.written)
    return {name for name, _ in new.items() & old.items()}


def _compare_governing(
    comparison: Comparison, writer: list[Governed], reader: list[Governed], where: str
) -> None:
    if len(writer) == 1 and len(reader) == 1:
        comparison.compare(writer[0].node, reader[0].node, where, descend=True)
    else:
        comparison.adopt(implied(comparison, writer, reader, where))


def implied(comparison: Comparison, writer: list[Governed], reader: list[Governed], where: str) -> Comparison:
    """A trial of whether a value satisfying all `writer` schemas satisfies every `reader` schema (no
    writer schema: any value)."""
    result = comparison.trial()
    if any(governed.node.contents is False for governed in writer):
        return result
    for required in reader:
        candidates = [governed.node for governed in writer] or [accepting_all(required.node)]
        attempts = []
        for candidate in candidates:
            attempt = comparison.admits(candidate, required.node, where, descend=True)
            if attempt.compatible:
                result.adopt(attempt)
                break
            attempts.append(attempt)
        else:
            result.adopt(attempts[0])
    return result


def accepting_all(like: Node) -> Node:
    """The schema `true`, in the context of `like`."""
    return Node(True, like.draft, like.resolver, like.index)


def reasons(trial: Comparison) -> str:
    """The first reasons a trial failed, for a message."""
    found = trial.incompatible_differences()[:3]
    return "; ".join(f"{d.type} at {d.path}" + (f" ({d.detail})" if d.detail else "") for d in found)


def _property_added(
    comparison: Comparison,
    before: ObjectModel,
    after: ObjectModel,
    name: str,
    where: str,
    *,
    newly_required: bool,
) -> None:
    schema = after.properties[name]
    with_default = isinstance(schema.contents, dict) and "default" in schema.contents
    governing = before.governing(name)
    if not governing:
        if newly_required:
            kind = (
                T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                if with_default
                else T.REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
            )
            detail = _newly_required(comparison, name)
        elif implied(comparison, [], after.governing(name), where).compatible:
            kind, detail = T.PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, ""
        else:
            kind = T.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
            detail = (
                f"the {comparison.writer} schema has an open content model, so its data may already carry "
                f"'{name}' with any value, which the {comparison.reader} schema's definition of '{name}' "
                "rejects"
            )
        comparison.add(kind, where, detail)
        return
    closed = all(governed.node.contents is False for governed in governing)
    if not closed:
        check = implied(comparison, governing, after.governing(name), where)
        if check.compatible:
            comparison.add(T.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                where,
                f"the {comparison.writer} schema lets '{name}' carry values its "
                f"{_governed_by(governing)} allows, which the {comparison.reader} schema rejects: "
                f"{reasons(check)}",
            )
    if newly_required:
        kind = (
            T.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
            if with_default
            else T.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
        )
        comparison.add(kind, where, _newly_required(comparison, name))
    elif closed:
        comparison.add(T.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, where)


def _newly_required(comparison: Comparison, name: str) -> str:
    return (
        f"the {comparison.reader} schema requires '{name}', "
        f"which data of the {comparison.writer} schema may lack"
    )


def _property_removed(
    comparison: Comparison, before: ObjectModel, after: ObjectModel, name: str, where: str
) -> None:
    governing = after.governing(name)
    if not governing:
        comparison.add(T.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, where)
        return
    if all(governed.node.contents is False for governed in governing):
        if before.properties[name].contents is False:
            comparison.add(T.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                where,
                f"the {comparison.reader} schema has a closed content model and no longer declares '{name}', "
                f"so it rejects data of the {comparison.writer} schema that carries '{name}'",
            )
        return
    check = implied(comparison, before.governing(name), governing, where)
    if check.compatible:
        comparison.add(T.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)
    else:
        comparison.add(
            T.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
            where,
            f"'{name}' now falls under the {comparison.reader} schema's {_governed_by(governing)}, which "
            "rejects "
            f"values the {comparison.writer} schema allowed: {reasons(check)}",
        )


def _governed_by(governing: list[Governed]) -> str:
    return " and ".join(
        f"{g.keyword} {g.name!r}" if g.keyword == "patternProperties" else g.keyword for g in governing
    )


def _compare_patterns(comparison: Comparison, before: ObjectModel, after: ObjectModel, path: str) -> None:
    """Keys no `properties` names, matching a reader pattern."""
    for pattern, schema in after.patterns.items():
        where = child_path(path, "patternProperties", pattern)
        if pattern in before.patterns:
            comparison.compare(before.patterns[pattern], schema, where, descend=True)
            continue
        required = [Governed(schema, "patternProperties", pattern)]
        if before.rest is None and not implied(comparison, [], required, where).compatible:
            comparison.add(
                T.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
                where,
                f"the {comparison.writer} schema lets keys matching {pattern!r} carry any value, which the "
                f"{comparison.reader} schema's patternProperties rejects",
            )
            continue
        sources = [
            Governed(node, "patternProperties", other)
            for other, node in before.patterns.items()
            if may_overlap(other, pattern)
        ]
        if before.rest is not None:
            sources.append(Governed(before.rest, before.rest_keyword, ""))
        failed = [
            (source, check)
            for source in sources
            if not (check := implied(comparison, [source], required, where)).compatible
        ]
        if all(source.node.contents is False for source in sources):
            comparison.add(T.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, where)
        elif failed:
            source, check = failed[0]
            comparison.add(
                T.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                where,
                f"keys matching {pattern!r} may carry values the {comparison.writer} schema's "
                f"{_governed_by([source])} allows and the {comparison.reader} schema rejects: "
                f"{reasons(check)}",
            )
        elif sources:
            comparison.add(T.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)


def _compare_rest(comparison: Comparison, before: ObjectModel, after: ObjectModel, path: str) -> None:
    """Keys that neither `properties` nor a reader pattern covers."""
    for pattern, schema in before.patterns.items():
        if pattern not in after.patterns:
            _pattern_removed(
                comparison, after, pattern, schema, child_path(path, "patternProperties", pattern)
            )
    if after.rest is None:
        if before.rest is not None:
            prefix = _rest_prefix(before.rest_keyword)
            change = "ADDED" if before.rest.contents is False else "EXTENDED"
            comparison.add(T(f"{prefix}_{change}"), child_path(path, before.rest_keyword))
    else:
        _compare_reader_rest(comparison, before, after, after.rest, after.rest_keyword, path)
    if after.unevaluated_too is not None:
        _compare_reader_rest(comparison, before, after, after.unevaluated_too, "unevaluatedProperties", path)


def _rest_prefix(keyword: str) -> str:
    return "UNEVALUATED_PROPERTIES" if keyword == "unevaluatedProperties" else "ADDITIONAL_PROPERTIES"


def _compare_reader_rest(
    comparison: Comparison, before: ObjectModel, after: ObjectModel, rest: Node, keyword: str, path: str
) -> None:
    prefix, where = _rest_prefix(keyword), child_path(path, keyword)
    # Keys another writer conjunct evaluates are unconstrained here; the reader's rest may reach them.
    leftover = before.rest_exempt - after.properties.keys() - after.rest_exempt
    if before.rest is None or leftover:
        check = implied(comparison, [], [Governed(rest, keyword, "")], where)
        if not check.compatible:
            change = "REMOVED" if rest.contents is False else "NARROWED"
            comparison.add(
                T(f"{prefix}_{change}"),
                where,
                f"the {comparison.writer} schema allows undeclared keys with any value; the "
                f"{comparison.reader} schema's {keyword} "
                + ("forbids them" if rest.contents is False else f"restricts them: {reasons(check)}"),
            )
        if before.rest is None:
            return
    if before.rest.contents is False:
        if rest.contents is not False:
            comparison.add(T(f"{prefix}_ADDED"), where)
        return
    if rest.contents is False:
        comparison.add(
            T(f"{prefix}_REMOVED"),
            where,
            f"the {comparison.reader} schema forbids undeclared keys that the {comparison.writer} schema "
            "allows",
        )
        return
    comparison.compare(before.rest, rest, where, descend=True)


def _pattern_removed(
    comparison: Comparison, after: ObjectModel, pattern: str, schema: Node, where: str
) -> None:
    if after.rest is None:
        comparison.add(T.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, where)
    elif after.rest.contents is False:
        if schema.contents is False:
            comparison.add(T.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                where,
                f"keys matching {pattern!r} are allowed by the {comparison.writer} schema and forbidden by "
                f"the {comparison.reader} schema's closed content model",
            )
    else:
        rest = Governed(after.rest, after.rest_keyword, "")
        check = implied(comparison, [Governed(schema, "patternProperties", pattern)], [rest], where)
        if check.compatible:
            comparison.add(T.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                where,
                f"keys matching {pattern!r} now fall under the {comparison.reader} schema's "
                f"{after.rest_keyword}, "
                f"which rejects values the {comparison.writer} schema allowed: {reasons(check)}",
            )


def compare_required(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    after = required_names(reader)
    before = required_names(writer) if writer is not None else []
    declared_here = reader.get("properties") or {}
    for name in after:
        if name in scope.writer_required:
            continue
        if name in declared_here and name not in scope.writer_properties:
            continue  # a new property: its content model difference says it is required
        schema = declared_here.get(name)
        with_default = isinstance(schema, dict) and "default" in schema
        comparison.add(
            T.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED if with_default else T.REQUIRED_ATTRIBUTE_ADDED,
            child_path(path, "required", name),
            _newly_required(comparison, name)
            + (" (validators do not fill in defaults)" if with_default else ""),
        )
    everything_required = {name for part in scope.reader_parts for name in required_names(part.node)}
    for name in before:
        if name not in everything_required:
            comparison.add(T.REQUIRED_ATTRIBUTE_REMOVED, child_path(path, "required", name))


def compare_dependencies(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    _compare_dependent_required(comparison, scope, writer, reader, path)
    _compare_dependent_schemas(comparison, scope, writer, reader, path)


def _dependencies(node: Node | None, *, schemas: bool) -> dict[str, tuple[str, object]]:
    """Dependencies of one kind, keyed by property, with the keyword that declares each."""
    if node is None:
        return {}
    found: dict[str, tuple[str, object]] = {}
    legacy = node.get("dependencies")
    if isinstance(legacy, dict):
        for name, value in legacy.items():
            if isinstance(value, list) != schemas:
                found[name] = ("dependencies", value)
    modern = node.get("dependentSchemas" if schemas else "dependentRequired")
    if isinstance(modern, dict):
        for name, value in modern.items():
            found[name] = ("dependentSchemas" if schemas else "dependentRequired", value)
    return found


def _compare_dependent_required(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = _dependencies(writer, schemas=False)
    after = _dependencies(reader, schemas=False)
    for name, (keyword, value) in after.items():
        where = child_path(path, keyword, name)
        wanted = set(value)  # type: ignore[call-overload]
        needed = wanted - scope.writer_required
        if name not in before:
            if needed:
                comparison.add(
                    T.DEPENDENCY_ARRAY_ADDED,
                    where,
                    f"the {comparison.reader} schema requires {sorted(needed)} whenever '{name}' is present",
                )
            continue
        had = set(before[name][1])  # type: ignore[call-overload]
        if needed - had:
            kind = T.DEPENDENCY_ARRAY_EXTENDED if wanted >= had else T.DEPENDENCY_ARRAY_CHANGED
            comparison.add(
                kind,
                where,
                f"the {comparison.reader} schema also requires {sorted(needed - had)} whenever '{name}' "
                "is present",
            )
        elif wanted < had:
            comparison.add(T.DEPENDENCY_ARRAY_NARROWED, where)
    for name, (keyword, _value) in before.items():
        if name not in after:
            comparison.add(T.DEPENDENCY_ARRAY_REMOVED, child_path(path, keyword, name))


def _compare_dependent_schemas(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = _dependencies(writer, schemas=True)
    after = _dependencies(reader, schemas=True)
    for name, (keyword, value) in after.items():
        where = child_path(path, keyword, name)
        required = reader.child(value)
        if name in before and writer is not None:
            direct = comparison.admits(writer.child(before[name][1]), required, where)
            if (
                not direct.compatible
                and comparison.admits(scope.writer, required, where, strict=True).compatible
            ):
                continue  # the writer as a whole already satisfies the dependency schema
            comparison.adopt(direct)
            continue
        check = comparison.admits(scope.writer, required, where, strict=True)
        if not check.compatible:
            comparison.add(
                T.DEPENDENCY_SCHEMA_ADDED,
                where,
                f"whenever '{name}' is present the {comparison.reader} schema also requires what its "
                f"dependency schema says: {reasons(check)}",
            )
    for name, (keyword, _value) in before.items():
        if name not in after:
            comparison.add(T.DEPENDENCY_SCHEMA_REMOVED, child_path(path, keyword, name))


def compare_property_counts(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    for keyword, name, upper in (
        ("maxProperties", "MAX_PROPERTIES", True),
        ("minProperties", "MIN_PROPERTIES", False),
    ):
        compare_limit(
            comparison,
            path,
            keyword,
            node_limit(writer, keyword),
            node_limit(reader, keyword),
            upper=upper,
            name=name,
        )


def compare_property_names(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    after = reader.get("propertyNames")
    before = writer.get("propertyNames") if writer is not None else None
    where = child_path(path, "propertyNames")
    if after is None:
        if before is not None:
            comparison.add(T.SCHEMA_REMOVED, where)
        return
    required = reader.child(after)
    if before is not None and writer is not None:
        comparison.compare(writer.child(before), required, where, descend=True)
        return
    check = comparison.admits(accepting_all(required), required, where, descend=True)
    if not check.compatible:
        comparison.add(
            T.SCHEMA_ADDED,
            where,
            f"the {comparison.reader} schema restricts property names, the {comparison.writer} schema "
            "did not: "
            f"{reasons(check)}",
        )
