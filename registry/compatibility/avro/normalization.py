"""The normalized form of an Avro schema, compared when a schema is registered with `normalize=true`.

It is Avro's Parsing Canonical Form (full names, no namespaces, primitives as plain names, each named
type spelled out once, keys in a fixed order) plus what Confluent's normalization keeps as well:
defaults, aliases (as sorted full names), logical types with their precision and scale, field order
and doc, and custom attributes in key order. Two schemas that differ only in whitespace, key order,
how names are qualified or how a primitive is spelled ("int" or {"type": "int"}) normalize alike.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from registry.compatibility.avro.model import (
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
)

_LOGICAL_KEYS = ("logicalType", "precision", "scale")


def fingerprint(avro_type: Array | Map | Union | Named) -> bytes:
    """A digest of the type as a whole, with every named type it reaches spelled out where first met:
    equal fingerprints mean the same type graph, which always reads its own data. Computed once per
    type, so comparing an unchanged part of a schema with its earlier version is a cheap equality."""
    if avro_type.fingerprint is None:
        text = orjson.dumps(_Normalizer(frozenset()).form(avro_type))
        avro_type.fingerprint = hashlib.blake2b(text, digest_size=16).digest()
    return avro_type.fingerprint


def normalize(root: AvroType, predefined: frozenset[str]) -> str:
    """The normalized JSON text of `root`; named types in `predefined` (those of the schema's
    references) appear by name only."""
    return orjson.dumps(_Normalizer(predefined).form(root)).decode()


class _Normalizer:
    def __init__(self, predefined: frozenset[str]) -> None:
        self.written = set(predefined)
        self.namespaces: list[str] = []  # of the records being written, innermost last

    def form(self, avro_type: AvroType) -> Any:
        if isinstance(avro_type, Primitive):
            if not avro_type.attributes:
                return avro_type.kind
            return {"type": avro_type.kind, **_logical(avro_type.attributes), **_custom(avro_type.attributes)}
        if isinstance(avro_type, Union):
            return [self.form(branch) for branch in avro_type.branches]
        if isinstance(avro_type, Array):
            return {"type": "array", "items": self.form(avro_type.items), **_custom(avro_type.attributes)}
        if isinstance(avro_type, Map):
            return {"type": "map", "values": self.form(avro_type.values), **_custom(avro_type.attributes)}
        assert isinstance(avro_type, Named)
        if avro_type.full_name in self.written:
            return avro_type.full_name
        self.written.add(avro_type.full_name)
        return self._named(avro_type)

    def _named(self, named: Named) -> dict[str, Any]:
        form: dict[str, Any] = {"name": named.full_name}
        namespace = named.full_name.rpartition(".")[0]
        if not namespace and self.namespaces and self.namespaces[-1]:
            # A name without dots inside a namespaced record would be read as in that namespace.
            form["namespace"] = ""
        if isinstance(named, Record):
            form["type"] = named.type_label
            self.namespaces.append(namespace)
            form["fields"] = [self._field(field) for field in named.fields]
            self.namespaces.pop()
        elif isinstance(named, Enum):
            form.update(type="enum", symbols=list(named.symbols))
        else:
            assert isinstance(named, Fixed)
            form.update(type="fixed", size=named.size, **_logical(named.attributes))
        form.update(_doc_and_aliases(named.doc, named.aliases))
        if isinstance(named, Enum) and named.default is not None:
            form["default"] = named.default
        form.update(_custom(named.attributes))
        return form

    def _field(self, field: Field) -> dict[str, Any]:
        form: dict[str, Any] = {"name": field.name, "type": self.form(field.type)}
        if field.order != "ascending":
            form["order"] = field.order
        form.update(_doc_and_aliases(field.doc, field.aliases))
        if field.has_default:
            form["default"] = field.default
        form.update(_custom(field.attributes))
        return form


def _doc_and_aliases(doc: str | None, aliases: frozenset[str] | tuple[str, ...]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    if doc:
        form["doc"] = doc
    if aliases:
        form["aliases"] = sorted(aliases)
    return form


def _logical(attributes: dict[str, Any]) -> dict[str, Any]:
    """logicalType first, then a decimal's precision and its scale unless it is the default 0."""
    form = {key: attributes[key] for key in _LOGICAL_KEYS if key in attributes}
    if form.get("logicalType") == "decimal" and form.get("scale") == 0:
        del form["scale"]
    return form


def _custom(attributes: dict[str, Any]) -> dict[str, Any]:
    return {key: attributes[key] for key in sorted(attributes) if key not in _LOGICAL_KEYS}
