"""String keywords: lengths, `pattern`, `format` and the content keywords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.jsonschema.comparison import child_path
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.limits import compare_limit, node_limit

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Scope
    from registry.compatibility.jsonschema.nodes import Node

T = DifferenceType

# Formats whose values are all valid values of a wider format.
_FORMAT_WIDENINGS = frozenset(
    {
        ("email", "idn-email"),
        ("hostname", "idn-hostname"),
        ("uri", "iri"),
        ("uri", "uri-reference"),
        ("uri", "iri-reference"),
        ("iri", "iri-reference"),
        ("uri-reference", "iri-reference"),
    }
)


def compare_lengths(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    for keyword, name, upper in (("maxLength", "MAX_LENGTH", True), ("minLength", "MIN_LENGTH", False)):
        compare_limit(
            comparison,
            path,
            keyword,
            node_limit(writer, keyword),
            node_limit(reader, keyword),
            upper=upper,
            name=name,
        )


def compare_pattern(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = writer.get("pattern") if writer is not None else None
    after = reader.get("pattern")
    if before == after:
        return
    where = child_path(path, "pattern")
    if after is None:
        comparison.add(
            T.PATTERN_REMOVED, where, f"the {comparison.reader} schema no longer requires {before!r}"
        )
    elif before is None:
        comparison.add(
            T.PATTERN_ADDED,
            where,
            f"the {comparison.reader} schema requires strings to match {after!r}, "
            f"which strings the {comparison.writer} schema allows need not",
        )
    else:
        comparison.add(
            T.PATTERN_CHANGED,
            where,
            f"the pattern changed from {before!r} to {after!r}; whether one regular expression accepts "
            "every string of another cannot be decided in general, so any change is refused",
        )


def compare_format(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    before = writer.get("format") if writer is not None else None
    after = reader.get("format")
    if before == after:
        return
    where = child_path(path, "format")
    if after is None:
        comparison.add(
            T.FORMAT_REMOVED, where, f"the {comparison.reader} schema no longer requires {before!r}"
        )
    elif before is None:
        comparison.add(
            T.FORMAT_ADDED,
            where,
            f"the {comparison.reader} schema requires the {after!r} format, "
            f"which values the {comparison.writer} schema allows need not have",
        )
    elif (before, after) in _FORMAT_WIDENINGS:
        comparison.add(T.FORMAT_EXTENDED, where, f"every {before!r} value is also a valid {after!r} value")
    else:
        comparison.add(
            T.FORMAT_CHANGED,
            where,
            f"the format changed from {before!r} to {after!r}; values of one are not values of the other",
        )


def compare_content(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    for keyword, name in (
        ("contentEncoding", "CONTENT_ENCODING"),
        ("contentMediaType", "CONTENT_MEDIA_TYPE"),
    ):
        before = writer.annotation(keyword) if writer is not None else None
        after = reader.annotation(keyword)
        if before == after:
            continue
        change = "REMOVED" if after is None else "ADDED" if before is None else "CHANGED"
        comparison.add(
            DifferenceType(f"{name}_{change}"),
            child_path(path, keyword),
            f"{keyword} is {before!r} in the {comparison.writer} schema and {after!r} in the "
            f"{comparison.reader} schema",
        )
