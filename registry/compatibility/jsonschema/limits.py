"""Count limits (maxLength, minItems, maxProperties, minContains, ...): a reader may only loosen them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry.compatibility.jsonschema.comparison import child_path
from registry.compatibility.jsonschema.differences import DifferenceType

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison


def compare_limit(
    comparison: Comparison,
    path: str,
    keyword: str,
    writer_limit: Any,
    reader_limit: Any,
    *,
    upper: bool,
    name: str,
) -> None:
    """Report how `keyword` changed; `name` is the Confluent prefix (MAX_LENGTH, MIN_ITEMS, ...).

    An absent lower limit is 0 and an absent upper limit is infinite, so a lower limit of 0 is no limit.
    """
    if not upper:
        writer_limit = writer_limit or None
        reader_limit = reader_limit or None
    if writer_limit == reader_limit:
        return
    if reader_limit is None:
        change = "REMOVED"
    elif writer_limit is None:
        change = "ADDED"
    elif (reader_limit > writer_limit) == upper:
        change = "INCREASED" if upper else "DECREASED"
    else:
        change = "DECREASED" if upper else "INCREASED"
    comparison.add(
        DifferenceType(f"{name}_{change}"),
        child_path(path, keyword),
        f"{keyword} is {_shown(writer_limit)} in the {comparison.writer} schema and "
        f"{_shown(reader_limit)} in the {comparison.reader} schema",
    )


def _shown(limit: Any) -> str:
    if limit is None:
        return "absent"
    return str(int(limit)) if isinstance(limit, float) and limit.is_integer() else str(limit)


def node_limit(node: Any, keyword: str) -> Any:
    """A numeric keyword of `node` (a Node or None)."""
    if node is None:
        return None
    value = node.get(keyword)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
