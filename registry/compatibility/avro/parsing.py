"""Reading Avro schema JSON into the type graph, with errors that say what is wrong and where.

The rules are the Avro specification's, as Apache Avro's Java parser (which Confluent's registry
runs) applies them: names are validated, named types are defined before use, a short type name is
looked up in the enclosing namespace and then in the null namespace, unions hold no unions and no
two types of one kind or name, and a union's default may match any of its branches (Avro 1.12).
Beyond Java, invalid defaults and invalid decimal parameters are rejected, because a reader or
fastavro would fail on them later.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

import orjson

from registry.compatibility.avro.defaults import InvalidDefaultError, conform_default, is_whole_number
from registry.compatibility.avro.model import (
    PRIMITIVE_KINDS,
    Array,
    AvroType,
    Enum,
    Field,
    Fixed,
    Map,
    Named,
    Primitive,
    Record,
    Union,
    plain_primitive,
)
from registry.compatibility.avro.wording import pointer_token, show_value
from registry.compatibility.schema import SchemaParseError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.schema import ResolvedReference

# Deeper JSON than this is refused before any recursive walk: real schemas stay far below it, and the
# limit keeps every walk over the schema well inside Python's recursion limit.
MAX_NESTING = 128

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME_RULE = 'Avro names start with a letter or "_" and contain only letters, digits and "_"'
_FIELD_ORDERS = ("ascending", "descending", "ignore")
_COMPLEX_KINDS = frozenset({"record", "error", "enum", "fixed", "array", "map"})

_RECORD_KEYS = frozenset({"type", "name", "namespace", "doc", "aliases", "fields"})
_FIELD_KEYS = frozenset({"name", "type", "default", "order", "aliases", "doc"})
_ENUM_KEYS = frozenset({"type", "name", "namespace", "doc", "aliases", "symbols", "default"})
_FIXED_KEYS = frozenset({"type", "name", "namespace", "doc", "aliases", "size"})


def load_document(text: str) -> Any:
    """The schema's JSON, or an error with the line and column where the JSON breaks."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise SchemaParseError(
            f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    _check_nesting(document)
    return document


def parse_document(
    document: Any, references: Sequence[ResolvedReference] = ()
) -> tuple[AvroType, frozenset[str]]:
    """The type graph of `document`, and the full names of the named types its references define.

    `references` are parsed first, in order (dependencies first; a reference listed twice, as in a
    diamond of dependencies, counts once); their named types are visible to later references and to
    the document.
    """
    names: dict[str, Named] = {}
    for reference in dict.fromkeys(references):
        _parse_reference(reference, names)
    from_references = frozenset(names)
    return _Parser(names, document).parse_root(), from_references


def _parse_reference(reference: ResolvedReference, names: dict[str, Named]) -> None:
    where = (
        f"schema reference '{reference.name}' (subject '{reference.subject}', version {reference.version})"
    )
    if reference.schema_type is not SchemaType.AVRO:
        raise SchemaParseError(
            f"The {where} is a {reference.schema_type.value} schema; an Avro schema can only refer to "
            "Avro schemas"
        )
    try:
        _Parser(names, load_document(reference.text)).parse_root()
    except SchemaParseError as error:
        raise SchemaParseError(f"In the {where}: {error.message}", path=error.path) from error


def _check_nesting(document: Any) -> None:
    pending: list[tuple[Any, str, int]] = [(document, "", 1)]
    while pending:
        node, pointer, depth = pending.pop()
        if depth > MAX_NESTING:
            raise SchemaParseError(
                f"The schema's JSON nests more than {MAX_NESTING} levels deep; "
                "flatten the schema or define the nested types separately",
                path=_at(pointer),
            )
        if isinstance(node, dict):
            pending.extend(
                (value, f"{pointer}/{pointer_token(key)}", depth + 1) for key, value in node.items()
            )
        elif isinstance(node, list):
            pending.extend((value, f"{pointer}/{index}", depth + 1) for index, value in enumerate(node))


class _Parser:
    """One pass over one JSON document; `names` is shared with the documents parsed before it."""

    def __init__(self, names: dict[str, Named], document: Any) -> None:
        self.names = names
        self.document = document
        self.pending_defaults: list[tuple[Record, Field, str]] = []

    def parse_root(self) -> AvroType:
        root = self.parse(self.document, "", None)
        for record, field, pointer in self.pending_defaults:
            try:
                field.default = conform_default(field.default, field.type)
            except InvalidDefaultError as error:
                message = f'Invalid default for field "{field.name}" of record "{record.full_name}"'
                raise SchemaParseError(
                    f"{message}: {error.message}", path=_at(pointer + error.pointer)
                ) from error
        return root

    def parse(self, node: Any, pointer: str, namespace: str | None) -> AvroType:
        if isinstance(node, str):
            return self._type_by_name(node, pointer, namespace)
        if isinstance(node, list):
            return self._union(node, pointer, namespace)
        if isinstance(node, dict):
            return self._schema_object(node, pointer, namespace)
        raise self._error(
            'Expected a schema (a type name, a JSON object with a "type", or a union array), '
            f"found {show_value(node)}",
            pointer,
        )

    def _schema_object(self, node: dict[str, Any], pointer: str, namespace: str | None) -> AvroType:
        if "type" not in node:
            raise self._error('A schema object needs a "type" attribute', pointer)
        kind = node["type"]
        if not isinstance(kind, str):
            raise self._error(
                f'"type" must be a type name such as "record" or "string", found {show_value(kind)}; '
                "a nested schema belongs in a field's \"type\", not in a schema's",
                pointer + "/type",
            )
        if kind in PRIMITIVE_KINDS:
            return self._primitive(kind, node, pointer)
        if kind in ("record", "error"):
            return self._record(node, pointer, namespace)
        if kind == "enum":
            return self._enum(node, pointer, namespace)
        if kind == "fixed":
            return self._fixed(node, pointer, namespace)
        if kind == "array":
            items = self._required(node, "items", pointer, "an array schema")
            return Array(self.parse(items, pointer + "/items", namespace), _extra(node, {"type", "items"}))
        if kind == "map":
            values = self._required(node, "values", pointer, "a map schema")
            return Map(self.parse(values, pointer + "/values", namespace), _extra(node, {"type", "values"}))
        return self._type_by_name(kind, pointer + "/type", namespace, _COMPLEX_KINDS)

    def _primitive(self, kind: str, node: dict[str, Any], pointer: str) -> Primitive:
        attributes = _extra(node, {"type"})
        if not attributes:
            return plain_primitive(kind)
        logical_type = attributes.get("logicalType")
        if logical_type == "decimal" and kind == "bytes":
            self._check_decimal(node, pointer, max_precision=None)
        return Primitive(kind, logical_type if isinstance(logical_type, str) else None, attributes)

    def _record(self, node: dict[str, Any], pointer: str, namespace: str | None) -> Record:
        fields = self._required(node, "fields", pointer, "a record")
        if not isinstance(fields, list):
            raise self._error(
                f'"fields" must be an array of field objects, found {show_value(fields)}', pointer
            )
        full_name, aliases = self._name_and_aliases(node, pointer, namespace)
        record = Record(full_name, aliases, _doc(node), _extra(node, _RECORD_KEYS), type_label=node["type"])
        self._define(record, pointer)
        inner_namespace = _namespace_of(full_name)
        for index, field_node in enumerate(fields):
            field_pointer = f"{pointer}/fields/{index}"
            field = self._field(index, field_node, field_pointer, inner_namespace, record)
            if field.name in record.fields_by_name:
                earlier = record.fields_by_name[field.name].index
                raise self._error(
                    f'Duplicate field name "{field.name}" in record "{full_name}": '
                    f"field {earlier} has it too",
                    field_pointer + "/name",
                )
            record.add_field(field)
        self._check_field_aliases(record, pointer)
        return record

    def _check_field_aliases(self, record: Record, pointer: str) -> None:
        """A writer field may feed one reader field only: readers disagree on which of two fields that
        name or alias it gets, so such a record is ambiguous."""
        claimed = {field.name: f"field {field.index}" for field in record.fields}
        for field in record.fields:
            for alias_index, alias in enumerate(field.aliases):
                if alias == field.name:
                    continue
                if alias in claimed:
                    raise self._error(
                        f'Field "{field.name}" has the alias "{alias}", which {claimed[alias]} of record '
                        f'"{record.full_name}" already names; data with a field "{alias}" would feed two '
                        "fields. Remove the alias or rename one of the fields",
                        f"{pointer}/fields/{field.index}/aliases/{alias_index}",
                    )
                claimed[alias] = f"an alias of field {field.index}"

    def _field(self, index: int, node: Any, pointer: str, namespace: str | None, record: Record) -> Field:
        if not isinstance(node, dict):
            raise self._error(f"A field must be a JSON object, found {show_value(node)}", pointer)
        name = self._required(node, "name", pointer, "a field")
        self._check_simple_name(name, pointer + "/name", "Field name")
        field_type = self.parse(
            self._required(node, "type", pointer, "a field"), pointer + "/type", namespace
        )
        order = node.get("order", "ascending")
        if order not in _FIELD_ORDERS:
            raise self._error(
                f'Field "{name}" has order {show_value(order)}; '
                'it must be "ascending", "descending" or "ignore"',
                pointer + "/order",
            )
        aliases = self._alias_list(node, pointer)
        for alias_index, alias in enumerate(aliases):
            self._check_simple_name(alias, f"{pointer}/aliases/{alias_index}", "Field alias")
        field = Field(
            index=index,
            name=name,
            type=field_type,
            has_default="default" in node,
            default=node.get("default"),
            aliases=tuple(aliases),
            order=order,
            doc=_doc(node),
            attributes=_extra(node, _FIELD_KEYS),
        )
        if field.has_default:
            self.pending_defaults.append((record, field, pointer + "/default"))
        return field

    def _enum(self, node: dict[str, Any], pointer: str, namespace: str | None) -> Enum:
        symbols = self._required(node, "symbols", pointer, "an enum")
        if not isinstance(symbols, list):
            raise self._error(
                f'"symbols" must be an array of names, found {show_value(symbols)}', pointer + "/symbols"
            )
        seen: dict[str, int] = {}
        for index, symbol in enumerate(symbols):
            self._check_simple_name(symbol, f"{pointer}/symbols/{index}", "Enum symbol")
            if symbol in seen:
                raise self._error(
                    f'Duplicate enum symbol "{symbol}": symbol {seen[symbol]} is the same',
                    f"{pointer}/symbols/{index}",
                )
            seen[symbol] = index
        default = node.get("default")
        if "default" in node and not (isinstance(default, str) and default in seen):
            raise self._error(
                f"The enum default {show_value(default)} is not one of the symbols {', '.join(symbols)}",
                pointer + "/default",
            )
        full_name, aliases = self._name_and_aliases(node, pointer, namespace)
        enum = Enum(
            full_name, aliases, _doc(node), _extra(node, _ENUM_KEYS), symbols=tuple(symbols), default=default
        )
        self._define(enum, pointer)
        return enum

    def _fixed(self, node: dict[str, Any], pointer: str, namespace: str | None) -> Fixed:
        size = self._required(node, "size", pointer, "a fixed type")
        if not is_whole_number(size) or size < 0:
            raise self._error(
                f'"size" must be a whole number of bytes (0 or more), found {show_value(size)}', pointer
            )
        logical_type = node.get("logicalType")
        if logical_type == "decimal":
            self._check_decimal(node, pointer, max_precision=_max_decimal_digits(size))
        full_name, aliases = self._name_and_aliases(node, pointer, namespace)
        fixed = Fixed(
            full_name,
            aliases,
            _doc(node),
            _extra(node, _FIXED_KEYS),
            size=size,
            logical_type=logical_type if isinstance(logical_type, str) else None,
        )
        self._define(fixed, pointer)
        return fixed

    def _union(self, branches: list[Any], pointer: str, namespace: str | None) -> Union:
        parsed: list[AvroType] = []
        seen: dict[str, int] = {}
        for index, branch in enumerate(branches):
            branch_pointer = f"{pointer}/{index}"
            if isinstance(branch, list):
                raise self._error("A union cannot directly contain another union", branch_pointer)
            member = self.parse(branch, branch_pointer, namespace)
            key = member.full_name if isinstance(member, Named) else member.kind
            if key in seen:
                raise self._error(
                    f'The union has "{key}" twice (branches {seen[key]} and {index}); a union may hold '
                    "each primitive, array and map type once, and each named type once",
                    branch_pointer,
                )
            seen[key] = index
            parsed.append(member)
        return Union(tuple(parsed))

    def _type_by_name(
        self, name: str, pointer: str, namespace: str | None, also_valid: frozenset[str] = frozenset()
    ) -> AvroType:
        if name in PRIMITIVE_KINDS:
            return plain_primitive(name)
        candidates = [name] if "." in name or not namespace else [f"{namespace}.{name}", name]
        for candidate in candidates:
            named = self.names.get(candidate)
            if named is not None:
                return named
        looked = " or ".join(f'"{candidate}"' for candidate in candidates)
        message = f'Unknown type "{name}": it is not a primitive type and no named type {looked} is defined'
        later = _find_definition(self.document, name.rpartition(".")[2])
        if later is not None:
            raise self._error(
                f"{message} before this point. A type of that name is defined later, at {_at(later)}; "
                "define a named type where it is first used and refer to it by name after that",
                pointer,
            )
        by_simple_name = {known.rpartition(".")[2]: known for known in self.names}
        by_simple_name.update((kind, kind) for kind in PRIMITIVE_KINDS | also_valid)
        close = difflib.get_close_matches(name.rpartition(".")[2], by_simple_name, n=1, cutoff=0.75)
        hint = f' Did you mean "{by_simple_name[close[0]]}"?' if close else ""
        raise self._error(
            f"{message} (named types must be defined before they are used, here or in a schema "
            f"reference).{hint}",
            pointer,
        )

    def _name_and_aliases(
        self, node: dict[str, Any], pointer: str, enclosing: str | None
    ) -> tuple[str, frozenset[str]]:
        kind = node["type"]
        name = self._required(node, "name", pointer, f"a named type ({kind})")
        if not isinstance(name, str) or not name:
            raise self._error(
                f'"name" must be a non-empty string, found {show_value(name)}', pointer + "/name"
            )
        namespace = node.get("namespace", enclosing)
        if namespace is not None and not isinstance(namespace, str):
            raise self._error(
                f'"namespace" must be a string, found {show_value(namespace)}', pointer + "/namespace"
            )
        if "." not in name and namespace:
            self._check_full_name(namespace, pointer + "/namespace", "Namespace")
        full_name = name if "." in name or not namespace else f"{namespace}.{name}"
        self._check_full_name(name, pointer + "/name", "Name")
        simple_name = full_name.rpartition(".")[2]
        if simple_name in PRIMITIVE_KINDS:
            raise self._error(
                f'A {kind} cannot be named "{simple_name}": that is the name of a primitive type',
                pointer + "/name",
            )
        aliases = self._alias_list(node, pointer)
        space = _namespace_of(full_name)
        resolved = []
        for index, alias in enumerate(aliases):
            self._check_full_name(alias, f"{pointer}/aliases/{index}", "Alias")
            resolved.append(alias if "." in alias or not space else f"{space}.{alias}")
        return full_name, frozenset(resolved)

    def _define(self, named: Named, pointer: str) -> None:
        if named.full_name in self.names:
            raise self._error(
                f'The name "{named.full_name}" is already defined; a named type is defined once and '
                "then referred to by its name",
                pointer + "/name",
            )
        self.names[named.full_name] = named

    def _alias_list(self, node: dict[str, Any], pointer: str) -> list[str]:
        aliases = node.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
            raise self._error(
                f'"aliases" must be an array of names, found {show_value(aliases)}', pointer + "/aliases"
            )
        return aliases

    def _check_decimal(self, node: dict[str, Any], pointer: str, max_precision: int | None) -> None:
        precision: Any = node.get("precision")
        scale: Any = node.get("scale", 0)
        if not is_whole_number(precision) or precision < 1:
            raise self._error(
                'A decimal needs "precision", a whole number of digits of at least 1; '
                f"found {show_value(precision)}",
                pointer + "/precision",
            )
        if max_precision is not None and precision > max_precision:
            raise self._error(
                f"A decimal of precision {precision} does not fit in {node['size']} bytes; "
                f"at most {max_precision} digits fit",
                pointer + "/precision",
            )
        if not is_whole_number(scale) or not 0 <= scale <= precision:
            raise self._error(
                f'A decimal\'s "scale" must be a whole number from 0 to its precision ({precision}); '
                f"found {show_value(scale)}",
                pointer + "/scale",
            )

    def _check_simple_name(self, name: Any, pointer: str, what: str) -> None:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise self._error(f"{what} {show_value(name)} is not a valid Avro name: {_NAME_RULE}", pointer)

    def _check_full_name(self, name: str, pointer: str, what: str) -> None:
        if not all(_NAME.fullmatch(part) for part in name.split(".")):
            raise self._error(
                f"{what} {show_value(name)} is not a valid Avro name: {_NAME_RULE}, with dots between the "
                "parts of a namespace",
                pointer,
            )

    def _required(self, node: dict[str, Any], key: str, pointer: str, what: str) -> Any:
        if key not in node:
            raise self._error(f'{what[0].upper()}{what[1:]} needs the attribute "{key}"', pointer)
        return node[key]

    @staticmethod
    def _error(message: str, pointer: str) -> SchemaParseError:
        return SchemaParseError(message, path=_at(pointer))


def _find_definition(document: Any, simple_name: str) -> str | None:
    """The pointer of a named type called `simple_name` anywhere in `document`, if there is one."""
    pending: list[tuple[Any, str]] = [(document, "")]
    while pending:
        node, pointer = pending.pop()
        if isinstance(node, dict):
            name = node.get("name")
            name = name if isinstance(name, str) else ""
            kind = node.get("type")
            if kind in ("record", "error", "enum", "fixed") and name.rpartition(".")[2] == simple_name:
                return pointer
            pending.extend((value, f"{pointer}/{pointer_token(key)}") for key, value in node.items())
        elif isinstance(node, list):
            pending.extend((value, f"{pointer}/{index}") for index, value in enumerate(node))
    return None


def _namespace_of(full_name: str) -> str | None:
    return full_name.rpartition(".")[0] or None


def _max_decimal_digits(size: int) -> int:
    """How many decimal digits a two's-complement number of `size` bytes always holds."""
    return len(str(2 ** (8 * size - 1) - 1)) - 1 if size > 0 else 0


def _extra(node: dict[str, Any], known: frozenset[str] | set[str]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if key not in known}


def _doc(node: dict[str, Any]) -> str | None:
    doc = node.get("doc")
    return doc if isinstance(doc, str) else None


def _at(pointer: str) -> str:
    return "#" + (pointer or "/")
