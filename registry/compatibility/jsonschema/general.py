"""Keywords that apply to values of every type: `type`, `enum`/`const`, annotations, dynamic references."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from registry.compatibility.jsonschema.comparison import allowed_values, child_path
from registry.compatibility.jsonschema.differences import DifferenceType
from registry.compatibility.jsonschema.values import ALL_ATOMS, describe_types, freeze, type_atoms

if TYPE_CHECKING:
    from registry.compatibility.jsonschema.comparison import Comparison, Scope
    from registry.compatibility.jsonschema.nodes import Node

T = DifferenceType


def compare_type(comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str) -> None:
    declared = reader.get("type")
    writer_declared = _declared_types(writer)
    if declared is None:
        if writer_declared is not None:
            comparison.add(
                T.TYPE_EXTENDED, path, f"the {comparison.reader} schema no longer restricts the type"
            )
        return
    reader_atoms = type_atoms(declared, reader.draft)
    writer_atoms = scope.writer_types
    if writer_atoms <= reader_atoms:
        if writer_declared is not None and reader_atoms - writer_declared:
            comparison.add(
                T.TYPE_EXTENDED,
                path,
                f"the {comparison.reader} schema also accepts {describe_types(reader_atoms - writer_atoms)}",
            )
        return
    kind = T.TYPE_NARROWED if reader_atoms <= writer_atoms else T.TYPE_CHANGED
    comparison.add(
        kind,
        path,
        f"the {comparison.writer} schema allows {_types(writer_atoms)} but the {comparison.reader} schema "
        f"allows only {_types(reader_atoms)}",
    )


def _declared_types(node: Node | None) -> frozenset[str] | None:
    declared = node.get("type") if node is not None else None
    return type_atoms(declared, node.draft) if node is not None and declared is not None else None


def _types(atoms: frozenset[str]) -> str:
    return "any type" if atoms == ALL_ATOMS else describe_types(atoms)


def compare_enum(comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str) -> None:
    reader_values = allowed_values(reader)
    writer_values = allowed_values(writer) if writer is not None else None
    if reader_values is None:
        if writer is not None and writer_values is not None:
            comparison.add(
                T.ENUM_ARRAY_EXTENDED,
                child_path(path, _keyword(writer)),
                f"the {comparison.reader} schema no longer limits the value to {shown(writer_values)}",
            )
        return
    where = child_path(path, _keyword(reader))
    reader_keys = {freeze(value) for value in reader_values}
    if writer_values is None:
        comparison.add(
            T.ENUM_ARRAY_NARROWED,
            where,
            f"the {comparison.reader} schema only allows {shown(reader_values)}; "
            f"the {comparison.writer} schema allows other values",
        )
        return
    writer_keys = {freeze(value) for value in writer_values}
    missing = [value for value in writer_values if freeze(value) not in reader_keys]
    if not missing:
        if reader_keys - writer_keys:
            added = [value for value in reader_values if freeze(value) not in writer_keys]
            comparison.add(
                T.ENUM_ARRAY_EXTENDED, where, f"the {comparison.reader} schema adds {shown(added)}"
            )
        return
    kind = T.ENUM_ARRAY_NARROWED if reader_keys <= writer_keys else T.ENUM_ARRAY_CHANGED
    comparison.add(kind, where, f"the {comparison.reader} schema no longer allows {shown(missing)}")


def _keyword(node: Node) -> str:
    return "enum" if node.get("enum") is not None else "const"


def shown(values: list[Any]) -> str:
    """Values as JSON for a message, shortened when long."""
    text = ", ".join(orjson.dumps(value).decode() for value in values[:5])
    if len(values) > 5:
        text += f" and {len(values) - 5} more"
    return text if len(text) <= 200 else text[:197] + "..."


_ANNOTATIONS = (
    (("$id", "id"), T.ID_CHANGED),
    (("title",), T.TITLE_CHANGED),
    (("description",), T.DESCRIPTION_CHANGED),
    (("default",), T.DEFAULT_CHANGED),
)


def compare_annotations(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    if writer is None:
        return
    for keywords, kind in _ANNOTATIONS:
        before = next((writer.annotation(k) for k in keywords if writer.annotation(k) is not None), None)
        after = next((reader.annotation(k) for k in keywords if reader.annotation(k) is not None), None)
        if freeze(before) != freeze(after):
            comparison.add(kind, path)


def compare_dynamic_references(
    comparison: Comparison, scope: Scope, writer: Node | None, reader: Node, path: str
) -> None:
    for keyword in ("$dynamicRef", "$recursiveRef"):
        if reader.get(keyword) is not None:
            comparison.add(
                T.COMPARISON_UNDECIDED,
                child_path(path, keyword),
                f"{keyword} resolves against whichever schema is being validated, so it cannot be compared "
                "statically; use $ref",
            )
