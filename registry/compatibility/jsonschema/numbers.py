"""Number keywords: bounds (inclusive and exclusive, in every draft's spelling) and `multipleOf`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.comparison import child_path
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.limits import node_limit
from registry.compatibility.jsonschema.values import INTEGER_ATOMS

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Scope
    from registry.compatibility.jsonschema.nodes import Node

T = DifferenceType


@dataclass(frozen=True, slots=True)
class Bound:
    """One side of the range a schema allows. `keyword` is the keyword that set it, for messages."""

    value: int | float
    exclusive: bool
    keyword: str

    def for_integers(self, *, lower: bool) -> Bound:
        """The same bound as an inclusive integer bound, for writers that only allow integers."""
        if lower:
            value = math.floor(self.value) + 1 if self.exclusive else math.ceil(self.value)
        else:
            value = math.ceil(self.value) - 1 if self.exclusive else math.floor(self.value)
        return Bound(value, False, self.keyword)


def bound(node: Node | None, *, lower: bool) -> Bound | None:
    """The tightest bound `node` sets on one side."""
    if node is None:
        return None
    inclusive_keyword, exclusive_keyword = (
        ("minimum", "exclusiveMinimum") if lower else ("maximum", "exclusiveMaximum")
    )
    inclusive = node_limit(node, inclusive_keyword)
    if node.draft.legacy_numbers:
        if inclusive is None:
            return None
        exclusive = node.get(exclusive_keyword) is True
        return Bound(inclusive, exclusive, exclusive_keyword if exclusive else inclusive_keyword)
    exclusive_value = node_limit(node, exclusive_keyword)
    candidates = []
    if inclusive is not None:
        candidates.append(Bound(inclusive, False, inclusive_keyword))
    if exclusive_value is not None:
        candidates.append(Bound(exclusive_value, True, exclusive_keyword))
    if not candidates:
        return None
    return (
        max(candidates, key=lambda b: (b.value, b.exclusive))
        if lower
        else min(candidates, key=lambda b: (b.value, not b.exclusive))
    )


def _within(writer: Bound | None, reader: Bound | None, *, lower: bool) -> bool:
    """Whether every number the writer's bound allows, the reader's allows."""
    if reader is None:
        return True
    if writer is None:
        return False
    tighter = writer.value > reader.value if lower else writer.value < reader.value
    return tighter or (writer.value == reader.value and (writer.exclusive or not reader.exclusive))


def compare_lower_bound(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    _compare_bound(comparison, scope, writer, reader, path, lower=True)


def compare_upper_bound(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    _compare_bound(comparison, scope, writer, reader, path, lower=False)


def _compare_bound(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str, *, lower: bool
) -> None:
    before, after = bound(writer, lower=lower), bound(reader, lower=lower)
    if before is None and after is None:
        return
    if scope.writer_types <= INTEGER_ATOMS:
        before = before.for_integers(lower=lower) if before else None
        after = after.for_integers(lower=lower) if after else None
    if (
        before is not None
        and after is not None
        and (before.value, before.exclusive) == (after.value, after.exclusive)
    ):
        return
    side = "MINIMUM" if lower else "MAXIMUM"
    if after is None:
        assert before is not None
        kind, keyword = _named(before, side, "REMOVED"), before.keyword
    elif before is None:
        kind, keyword = _named(after, side, "ADDED"), after.keyword
    elif before.value == after.value:
        change = "REMOVED" if before.exclusive else "ADDED"  # only exclusiveness differs
        kind, keyword = T(f"EXCLUSIVE_{side}_{change}"), f"exclusive{side.capitalize()}"
    else:
        looser = _within(before, after, lower=lower)
        change = (
            ("DECREASED" if looser else "INCREASED") if lower else ("INCREASED" if looser else "DECREASED")
        )
        kind, keyword = _named(after, side, change), after.keyword
    comparison.add(
        kind,
        child_path(path, keyword),
        f"the {comparison.writer} schema allows numbers {_range(before, lower=lower)} and the "
        f"{comparison.reader} schema numbers {_range(after, lower=lower)}",
    )


def _named(bound: Bound, side: str, change: str) -> DifferenceType:
    prefix = "EXCLUSIVE_" if bound.keyword.startswith("exclusive") else ""
    return T(f"{prefix}{side}_{change}")


def _range(bound: Bound | None, *, lower: bool) -> str:
    if bound is None:
        return "without a lower bound" if lower else "without an upper bound"
    symbol = (">" if bound.exclusive else ">=") if lower else ("<" if bound.exclusive else "<=")
    return f"{symbol} {bound.value}"


def compare_multiple_of(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before, after = node_limit(writer, "multipleOf"), node_limit(reader, "multipleOf")
    if before == after:
        return
    where = child_path(path, "multipleOf")
    if after is None:
        comparison.add(T.MULTIPLE_OF_REMOVED, where, f"the {comparison.reader} schema no longer requires it")
        return
    integral_divisor = float(after).is_integer()
    if before is None:
        if integral_divisor and after == 1 and scope.writer_types <= INTEGER_ATOMS:
            return  # every integer is a multiple of 1
        comparison.add(
            T.MULTIPLE_OF_ADDED,
            where,
            f"the {comparison.reader} schema requires multiples of {after}, the {comparison.writer} "
            "schema did not",
        )
        return
    ratio = Fraction(str(before)) / Fraction(str(after))
    if ratio.denominator == 1 and integral_divisor:
        comparison.add(T.MULTIPLE_OF_REDUCED, where, f"every multiple of {before} is a multiple of {after}")
    elif ratio.denominator == 1:
        comparison.add(
            T.MULTIPLE_OF_CHANGED,
            where,
            f"multipleOf changed from {before} to {after}; validators check a fractional multipleOf in "
            "floating point, where a multiple of one is not reliably a multiple of the other, so only an "
            "unchanged value is safe",
        )
    elif ratio.numerator == 1:
        comparison.add(
            T.MULTIPLE_OF_EXPANDED,
            where,
            f"multiples of {before} need not be multiples of {after}",
        )
    else:
        comparison.add(
            T.MULTIPLE_OF_CHANGED,
            where,
            f"multiples of {before} need not be multiples of {after}",
        )
