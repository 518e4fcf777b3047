"""Array keywords: items and tuples in every draft's spelling, `contains`, counts, `uniqueItems`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.comparison import child_path
from registry.compatibility.jsonschema.content_models import ArrayModel, Governed, array_model
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.limits import compare_limit, node_limit
from registry.compatibility.jsonschema.objects import implied, reasons

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Scope
    from registry.compatibility.jsonschema.nodes import Node

T = DifferenceType


def compare_items(comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str) -> None:
    before = array_model(writer, scope.writer_parts, reader=False)
    after = array_model(reader, scope.reader_parts, reader=True)
    if before.is_empty and after.is_empty:
        return
    for index in range(max(len(before.prefix), len(after.prefix))):
        if index < len(after.prefix):
            where = child_path(path, after.prefix_keyword, str(index))
            if index < len(before.prefix):
                comparison.compare(before.prefix[index], after.prefix[index], where, descend=True)
            else:
                _item_added(comparison, before, after.prefix[index], index, where)
        else:
            where = child_path(path, before.prefix_keyword, str(index))
            _item_removed(comparison, before.prefix[index], after, index, where)
    _compare_item_rest(comparison, before, after, path)


def _item_added(comparison: Comparison, before: ArrayModel, schema: Node, index: int, where: str) -> None:
    governing = before.governing(index)
    required = [Governed(schema, "items", str(index))]
    if governing is None:
        if implied(comparison, [], required, where).compatible:
            comparison.add(T.ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
                where,
                f"the {comparison.writer} schema lets item {index} be anything, which the "
                f"{comparison.reader} schema's item {index} rejects",
            )
    elif governing.node.contents is False:
        comparison.add(T.ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, where)
    else:
        check = implied(comparison, [governing], required, where)
        if check.compatible:
            comparison.add(T.ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                where,
                f"the {comparison.writer} schema's {governing.keyword} allows item {index} values that the "
                f"{comparison.reader} schema rejects: {reasons(check)}",
            )


def _item_removed(comparison: Comparison, schema: Node, after: ArrayModel, index: int, where: str) -> None:
    governing = after.governing(index)
    if governing is None:
        comparison.add(T.ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, where)
    elif governing.node.contents is False:
        if schema.contents is False:
            comparison.add(T.ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                where,
                f"the {comparison.reader} schema allows no item {index}, the {comparison.writer} schema does",
            )
    else:
        check = implied(comparison, [Governed(schema, "items", str(index))], [governing], where)
        if check.compatible:
            comparison.add(T.ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, where)
        else:
            comparison.add(
                T.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                where,
                f"item {index} now falls under the {comparison.reader} schema's {governing.keyword}, which "
                f"rejects values the {comparison.writer} schema allowed: {reasons(check)}",
            )


def _compare_item_rest(comparison: Comparison, before: ArrayModel, after: ArrayModel, path: str) -> None:
    """Items after every tuple position either schema names."""
    keyword = after.rest_keyword if after.rest is not None else before.rest_keyword
    prefix = "UNEVALUATED_ITEMS" if keyword == "unevaluatedItems" else "ADDITIONAL_ITEMS"
    whole_array = keyword == "items" and not before.prefix and not after.prefix
    where = child_path(path, keyword)
    if after.rest is None:
        if before.rest is not None:
            if before.rest.contents is False:
                comparison.add(T(f"{prefix}_ADDED"), where)
            else:
                comparison.add(T.SCHEMA_REMOVED if whole_array else T(f"{prefix}_EXTENDED"), where)
        return
    if before.rest is None:
        check = implied(comparison, [], [Governed(after.rest, keyword, "")], where)
        if not check.compatible:
            if after.rest.contents is False:
                kind = T(f"{prefix}_REMOVED")
            else:
                kind = T.SCHEMA_ADDED if whole_array else T(f"{prefix}_NARROWED")
            comparison.add(
                kind,
                where,
                f"the {comparison.writer} schema allows further items of any kind; the {comparison.reader} "
                f"schema's {keyword} "
                + ("forbids them" if after.rest.contents is False else f"restricts them: {reasons(check)}"),
            )
        return
    if before.rest.contents is False:
        if after.rest.contents is not False:
            comparison.add(T(f"{prefix}_ADDED"), where)
        return
    if after.rest.contents is False:
        comparison.add(
            T(f"{prefix}_REMOVED"),
            where,
            f"the {comparison.reader} schema forbids further items that the {comparison.writer} schema "
            "allows",
        )
        return
    comparison.compare(before.rest, after.rest, where, descend=True)


@dataclass(frozen=True, slots=True)
class _Contains:
    schema: Node
    minimum: int  # minContains, 1 when absent
    maximum: int | None  # maxContains


def _contains(node: Node | None) -> _Contains | None:
    schema = node.get("contains") if node is not None else None
    if node is None or schema is None:
        return None
    minimum = node_limit(node, "minContains")
    return _Contains(
        node.child(schema), 1 if minimum is None else int(minimum), node_limit(node, "maxContains")
    )


def compare_contains(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    after, before = _contains(reader), _contains(writer)
    where = child_path(path, "contains")
    if after is None or (after.minimum == 0 and after.maximum is None):
        if before is not None and (before.minimum > 0 or before.maximum is not None):
            comparison.add(T.SCHEMA_REMOVED, where)
        return
    if before is None or before.minimum == 0:
        comparison.add(
            T.SCHEMA_ADDED,
            where,
            f"the {comparison.reader} schema requires items matching `contains`; arrays of the "
            f"{comparison.writer} schema need not have any",
        )
        return
    comparison.compare(before.schema, after.schema, where, descend=True)
    compare_limit(
        comparison,
        path,
        "minContains",
        before.minimum if before.minimum != 1 else None,
        after.minimum if after.minimum != 1 else None,
        upper=False,
        name="MIN_CONTAINS",
    )
    if after.maximum is None:
        if before.maximum is not None:
            comparison.add(T.MAX_CONTAINS_REMOVED, child_path(path, "maxContains"))
        return
    longest = min(
        (m for part in scope.writer_parts if (m := node_limit(part.node, "maxItems")) is not None),
        default=None,
    )
    if longest is not None and longest <= after.maximum:
        return  # the writer's arrays are too short to exceed it
    if before.maximum is None or before.maximum > after.maximum:
        compare_limit(
            comparison, path, "maxContains", before.maximum, after.maximum, upper=True, name="MAX_CONTAINS"
        )
        return
    narrower = comparison.trial(swap_roles=True)
    narrower.compare(after.schema, before.schema, where, descend=True)
    if not narrower.compatible:
        comparison.add(
            T.COMPARISON_UNDECIDED,
            child_path(path, "maxContains"),
            f"the {comparison.reader} schema's `contains` matches items the {comparison.writer} schema's "
            "does "
            "not, so arrays may hold more matching items than its maxContains allows",
        )
        return
    compare_limit(
        comparison, path, "maxContains", before.maximum, after.maximum, upper=True, name="MAX_CONTAINS"
    )


def compare_item_counts(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    for keyword, name, upper in (("maxItems", "MAX_ITEMS", True), ("minItems", "MIN_ITEMS", False)):
        compare_limit(
            comparison,
            path,
            keyword,
            node_limit(writer, keyword),
            node_limit(reader, keyword),
            upper=upper,
            name=name,
        )


def compare_unique_items(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = writer.get("uniqueItems") is True if writer is not None else False
    after = reader.get("uniqueItems") is True
    if after and not before:
        comparison.add(
            T.UNIQUE_ITEMS_ADDED,
            child_path(path, "uniqueItems"),
            f"the {comparison.reader} schema rejects arrays with repeated items, which the "
            f"{comparison.writer} schema allows",
        )
    elif before and not after:
        comparison.add(T.UNIQUE_ITEMS_REMOVED, child_path(path, "uniqueItems"))
