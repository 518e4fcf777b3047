"""Hypothesis strategies for Avro schema evolutions: a random record schema (nested records, enums,
fixed, arrays, maps, unions, logical types, reused and recursive named types) and a next version made
by the changes people make: fields added or removed with or without defaults, types promoted or
changed, fields made nullable or required, union branches added or removed, enum symbols and
defaults changed, fixed sizes changed, types and fields renamed with or without aliases, and the
namespace moved."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import assume, event
from hypothesis import strategies as st

NAMESPACE = "com.acme"
FIELD_NAMES = ("a", "b", "c", "d", "e")
SYMBOLS = ("A", "B", "C", "D")
PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
LOGICAL = (
    {"type": "long", "logicalType": "timestamp-millis"},
    {"type": "int", "logicalType": "date"},
    {"type": "string", "logicalType": "uuid"},
    {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
)
# Type changes people make: promotions, their reverses, and unrelated types.
RETYPES = {
    "int": ("long", "float", "double", "string"),
    "long": ("int", "float", "double"),
    "float": ("double", "long"),
    "double": ("float", "int"),
    "string": ("bytes", "int"),
    "bytes": ("string",),
    "boolean": ("int", "string"),
    "null": ("string",),
}
TYPE_KEYS = ("type", "items", "values")


@dataclass
class _Draft:
    """What a schema being generated has defined so far."""

    draw: Any
    names: list[str] = field(default_factory=list)  # named types, by simple name
    open_records: list[str] = field(default_factory=list)  # records whose fields are being generated

    def fresh_name(self, prefix: str) -> str:
        name = f"{prefix}{len(self.names)}"
        self.names.append(name)
        return name


@st.composite
def schemas(draw: Any) -> dict[str, Any]:
    """A record schema in the com.acme namespace."""
    draft = _Draft(draw)
    root = _record(draft, depth=0, name="Root")
    root["namespace"] = NAMESPACE
    return _with_defaults(root)


@st.composite
def evolutions(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A schema and its next version, one to three changes later."""
    old = draw(schemas())
    new = copy.deepcopy(old)
    definitions = copy.deepcopy(_definitions(old))
    for _ in range(draw(st.integers(1, 3))):
        _change(draw, new, definitions)
    new = _define_before_use(new, {**definitions, **_definitions(new)}, set())
    # A change can leave a record that must contain itself (a recursive field made required): a
    # valid schema, but no datum has it, so there is nothing to write or read.
    assume(_all_records_have_data(new))
    return old, _with_defaults(new)


def _type(draft: _Draft, depth: int) -> Any:
    draw = draft.draw
    options = ["primitive", "primitive", "logical"]
    if depth < 3:
        options += ["enum", "fixed", "array", "map", "union", "record", "nullable record"]
    closed = [name for name in draft.names if name not in draft.open_records]
    if closed:
        options.append("reuse")
    if draft.open_records:
        options.append("recursion")
    choice = draw(st.sampled_from(options))
    if choice == "primitive":
        return draw(st.sampled_from(PRIMITIVES))
    if choice == "logical":
        return dict(draw(st.sampled_from(LOGICAL)))
    if choice == "enum":
        symbols = draw(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=4, unique=True))
        enum = {"type": "enum", "name": draft.fresh_name("E"), "symbols": symbols}
        if draw(st.booleans()):
            enum["default"] = draw(st.sampled_from(symbols))
        return enum
    if choice == "fixed":
        return {"type": "fixed", "name": draft.fresh_name("F"), "size": draw(st.sampled_from((2, 4, 8)))}
    if choice == "array":
        return {"type": "array", "items": _type(draft, depth + 1)}
    if choice == "map":
        return {"type": "map", "values": _type(draft, depth + 1)}
    if choice == "union":
        return _union(draft, depth)
    if choice == "record":
        return _record(draft, depth + 1, draft.fresh_name("R"))
    if choice == "nullable record":
        return ["null", _record(draft, depth + 1, draft.fresh_name("R"))]
    if choice == "reuse":
        return draw(st.sampled_from(closed))
    # A record refers to itself (or an enclosing record) through an optional field.
    return ["null", draw(st.sampled_from(draft.open_records))]


def _union(draft: _Draft, depth: int) -> list[Any]:
    branches: list[Any] = ["null"] if draft.draw(st.booleans()) else []
    seen = set(branches)
    for _ in range(draft.draw(st.integers(1, 3))):
        defined = len(draft.names)
        branch = _type(draft, depth + 1)
        key = _branch_key(branch)
        # fastavro's writer picks a union branch by value, and takes a string for a date: no logical
        # types in unions, so that a datum always lands in the branch it was made for.
        if key in seen or isinstance(branch, list) or _is_logical(branch):
            del draft.names[defined:]  # the branch is dropped, and the types it defined with it
            continue
        seen.add(key)
        branches.append(branch)
    return branches or ["null"]


def _record(draft: _Draft, depth: int, name: str) -> dict[str, Any]:
    draw = draft.draw
    if name not in draft.names:
        draft.names.append(name)
    draft.open_records.append(name)
    fields = []
    for field_name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=4, unique=True)):
        new_field: dict[str, Any] = {"name": field_name, "type": _type(draft, depth)}
        if draw(st.booleans()):
            new_field["default"] = None  # filled in by _with_defaults
        fields.append(new_field)
    draft.open_records.remove(name)
    return {"type": "record", "name": name, "fields": fields}


def _change(draw: Any, schema: dict[str, Any], definitions: dict[str, Any]) -> None:
    """Make one change to `schema`; `definitions` keeps every named type ever defined, by its latest
    name, so a reference whose definition a later change removes can be given it back."""
    records = [node for node in _nodes(schema) if isinstance(node, dict) and node.get("type") == "record"]
    fields = [each for record in records for each in record["fields"]]
    enums = [node for node in _nodes(schema) if isinstance(node, dict) and node.get("type") == "enum"]
    fixeds = [node for node in _nodes(schema) if isinstance(node, dict) and node.get("type") == "fixed"]
    unions = [each["type"] for each in fields if isinstance(each["type"], list)]
    options = ["add field", "move namespace", "rename type"]
    if fields:
        options += ["remove field", "retype field", "toggle default", "toggle nullable", "rename field"]
    if enums:
        options += ["add symbol", "remove symbol", "toggle enum default"]
    if fixeds:
        options.append("resize fixed")
    if unions:
        options += ["add branch", "remove branch", "reorder branches"]
    choice = draw(st.sampled_from(options))
    event(choice)
    if choice == "add field":
        record = draw(st.sampled_from(records))
        free = [name for name in (*FIELD_NAMES, "f", "g") if name not in _names_and_aliases(record)]
        if free:
            new_field: dict[str, Any] = {
                "name": draw(st.sampled_from(free)),
                "type": draw(st.sampled_from(PRIMITIVES)),
            }
            if draw(st.booleans()):
                new_field["default"] = None
            record["fields"].insert(draw(st.integers(0, len(record["fields"]))), new_field)
    elif choice == "remove field":
        record = draw(st.sampled_from([record for record in records if record["fields"]]))
        record["fields"].pop(draw(st.integers(0, len(record["fields"]) - 1)))
    elif choice == "retype field":
        target = draw(st.sampled_from(fields))
        current = target["type"]
        options_for = RETYPES.get(current) if isinstance(current, str) else None
        target["type"] = draw(st.sampled_from(options_for or PRIMITIVES))
    elif choice == "toggle default":
        target = draw(st.sampled_from(fields))
        if "default" in target:
            del target["default"]
        else:
            target["default"] = None
    elif choice == "toggle nullable":
        target = draw(st.sampled_from(fields))
        current = target["type"]
        if isinstance(current, list):
            target["type"] = draw(st.sampled_from(current))
        elif current != "null":
            target["type"] = ["null", current]
    elif choice == "rename field":
        record = draw(st.sampled_from([record for record in records if record["fields"]]))
        target = draw(st.sampled_from(record["fields"]))
        taken = _names_and_aliases(record)
        new_name = next(name for name in ("x", "y", "z", "w", "v", "u", "t") if name not in taken)
        if draw(st.booleans()):
            target["aliases"] = [target["name"]]
        target["name"] = new_name
    elif choice == "add symbol":
        enum = draw(st.sampled_from(enums))
        missing = [symbol for symbol in (*SYMBOLS, "W", "X", "Y", "Z") if symbol not in enum["symbols"]]
        enum["symbols"].insert(draw(st.integers(0, len(enum["symbols"]))), draw(st.sampled_from(missing)))
    elif choice == "remove symbol":
        enum = draw(st.sampled_from(enums))
        if len(enum["symbols"]) > 1:
            removed = enum["symbols"].pop(draw(st.integers(0, len(enum["symbols"]) - 1)))
            if enum.get("default") == removed:
                enum["default"] = enum["symbols"][0]
    elif choice == "toggle enum default":
        enum = draw(st.sampled_from(enums))
        if "default" in enum:
            del enum["default"]
        else:
            enum["default"] = draw(st.sampled_from(enum["symbols"]))
    elif choice == "resize fixed":
        draw(st.sampled_from(fixeds))["size"] = draw(st.sampled_from((2, 4, 8, 16)))
    elif choice in ("add branch", "remove branch", "reorder branches"):
        union = draw(st.sampled_from(unions))
        if choice == "add branch":
            branch = draw(st.sampled_from(PRIMITIVES))
            if branch not in {_branch_key(each) for each in union} and not any(map(_is_logical, union)):
                union.insert(draw(st.integers(0, len(union))), branch)
        elif choice == "remove branch" and len(union) > 1:
            union.pop(draw(st.integers(0, len(union) - 1)))
        else:
            union.reverse()
    elif choice == "move namespace":
        schema["namespace"] = draw(st.sampled_from(("com.acme", "org.acme", "com.acme.v2")))
    else:
        named = [
            node
            for node in _nodes(schema)
            if isinstance(node, dict) and node.get("type") in ("record", "enum", "fixed")
        ]
        target = draw(st.sampled_from(named))
        old_name = target["name"]
        new_name = old_name + "V2"
        alias = draw(st.sampled_from((None, "short", "full")))
        if alias == "short":
            target["aliases"] = [old_name]
        elif alias == "full":
            target["aliases"] = [f"{schema.get('namespace', NAMESPACE)}.{old_name}"]
        target["name"] = new_name
        _rename_references(schema, old_name, new_name)
        definitions[new_name] = {**definitions.pop(old_name, target), "name": new_name}
        for definition in definitions.values():
            _rename_references(definition, old_name, new_name)


def _names_and_aliases(record: dict[str, Any]) -> set[str]:
    return {name for each in record["fields"] for name in (each["name"], *each.get("aliases", []))}


def _nodes(node: Any) -> Iterator[Any]:
    """Every schema node, named type definitions before their uses."""
    yield node
    if isinstance(node, list):
        for branch in node:
            yield from _nodes(branch)
    elif isinstance(node, dict):
        if node.get("type") == "record":
            for each in node["fields"]:
                yield from _nodes(each["type"])
        for key in ("items", "values"):
            if key in node:
                yield from _nodes(node[key])


def _rename_references(node: Any, old: str, new: str) -> None:
    children: list[tuple[Any, Any]] = []
    if isinstance(node, list):
        children = list(enumerate(node))
    elif isinstance(node, dict):
        if node.get("type") == "record":
            children = [(("field", each), each["type"]) for each in node["fields"]]
        children += [(key, node[key]) for key in ("items", "values") if key in node]
    for key, child in children:
        if child == old:
            if isinstance(key, tuple):
                key[1]["type"] = new
            else:
                node[key] = new
        else:
            _rename_references(child, old, new)


def _is_logical(avro_type: Any) -> bool:
    return isinstance(avro_type, dict) and "logicalType" in avro_type


def _branch_key(branch: Any) -> str:
    if isinstance(branch, str):
        return branch
    if isinstance(branch, list):
        return "union"
    if branch.get("type") in ("record", "enum", "fixed"):
        return branch["name"]
    return branch["type"]


def _definitions(schema: Any) -> dict[str, Any]:
    return {
        node["name"]: node
        for node in _nodes(schema)
        if isinstance(node, dict) and node.get("type") in ("record", "enum", "fixed")
    }


def _define_before_use(node: Any, definitions: dict[str, Any], defined: set[str]) -> Any:
    """`node` with each named type defined at its first use: a change may have removed or moved the
    definition a later reference needs, or put a definition after a use."""
    if isinstance(node, str):
        if node not in definitions or node in defined:
            return node
        node = copy.deepcopy(definitions[node])
    if isinstance(node, list):
        return [_define_before_use(branch, definitions, defined) for branch in node]
    if node.get("type") in ("record", "enum", "fixed"):
        if node["name"] in defined:
            return node["name"]
        defined.add(node["name"])
    for each in node.get("fields", []) if node.get("type") == "record" else []:
        each["type"] = _define_before_use(each["type"], definitions, defined)
    for key in ("items", "values"):
        if key in node:
            node[key] = _define_before_use(node[key], definitions, defined)
    return node


def _all_records_have_data(schema: dict[str, Any]) -> bool:
    definitions = _definitions(schema)
    records = {name for name, node in definitions.items() if node["type"] == "record"}
    have_data: set[str] = set()

    def has_data(avro_type: Any) -> bool:
        if isinstance(avro_type, list):
            return any(has_data(branch) for branch in avro_type)
        if isinstance(avro_type, str):
            return avro_type not in records or avro_type in have_data
        if avro_type["type"] == "record":
            return avro_type["name"] in have_data
        return True  # primitives, enums, fixed; arrays and maps can be empty

    changed = True
    while changed:
        changed = False
        for name in records - have_data:
            if all(has_data(each["type"]) for each in definitions[name]["fields"]):
                have_data.add(name)
                changed = True
    return have_data == records


def _with_defaults(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every field that has a default given a valid one for its (maybe changed) type."""
    definitions = _definitions(schema)
    for node in _nodes(schema):
        if isinstance(node, dict) and node.get("type") == "record":
            for each in node["fields"]:
                if "default" in each:
                    each["default"] = _default_for(each["type"], definitions)
    return schema


def _is_record(avro_type: Any, definitions: dict[str, Any]) -> bool:
    definition = definitions.get(avro_type) if isinstance(avro_type, str) else avro_type
    return isinstance(definition, dict) and definition.get("type") == "record"


def _default_for(avro_type: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(avro_type, list):
        # Any branch may hold the default (Avro 1.12); one that is not a record always ends.
        records = [branch for branch in avro_type if _is_record(branch, definitions)]
        return _default_for(
            ([branch for branch in avro_type if branch not in records] or records)[0], definitions
        )
    if isinstance(avro_type, str) and avro_type in definitions:
        avro_type = definitions[avro_type]
    kind = avro_type if isinstance(avro_type, str) else avro_type["type"]
    simple = {
        "null": None,
        "boolean": True,
        "int": 7,
        "long": 7,
        "float": 0.5,
        "double": 0.5,
        "bytes": "ab",
        "string": "s",
    }
    if kind in simple:
        return simple[kind]
    if kind == "enum":
        return avro_type["symbols"][0]
    if kind == "fixed":
        return "x" * avro_type["size"]
    if kind == "array":
        return []
    if kind == "map":
        return {}
    assert kind == "record"
    return {
        each["name"]: _default_for(each["type"], definitions)
        for each in avro_type["fields"]
        if "default" not in each
    }
