"""Buf's breaking-change categories (FILE, PACKAGE, WIRE_JSON, WIRE) over compiled `.proto` files, for
teams moving from `buf breaking`: the same rule ids, judged by Accord from protoc's descriptors.

Each rule belongs to the categories `buf config ls-breaking-rules` lists for it (Buf 1.x, config v2);
a category runs its rules. FILE keys deletions by file, PACKAGE by package, and every category keys
messages, enums and fields by full name and number, as Buf does. Not covered: services' idempotency
levels, extensions' own rules, and the JSON-format and C++/Java string options (docs/ci.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum

from registry.cli.proto.buf_symbols import (
    BufFinding,
    ProtoFile,
    enums,
    messages,
    parent_pointer,
    services,
    symbol_changes,
)


class BufCategory(StrEnum):
    FILE = "FILE"
    PACKAGE = "PACKAGE"
    WIRE_JSON = "WIRE_JSON"
    WIRE = "WIRE"


_F, _P, _J, _W = BufCategory.FILE, BufCategory.PACKAGE, BufCategory.WIRE_JSON, BufCategory.WIRE
RULE_CATEGORIES: dict[str, frozenset[BufCategory]] = {
    "FILE_NO_DELETE": frozenset({_F}),
    "MESSAGE_NO_DELETE": frozenset({_F}),
    "ENUM_NO_DELETE": frozenset({_F}),
    "SERVICE_NO_DELETE": frozenset({_F}),
    "PACKAGE_NO_DELETE": frozenset({_P}),
    "PACKAGE_MESSAGE_NO_DELETE": frozenset({_P}),
    "PACKAGE_ENUM_NO_DELETE": frozenset({_P}),
    "PACKAGE_SERVICE_NO_DELETE": frozenset({_P}),
    "FILE_SAME_SYNTAX": frozenset({_F, _P}),
    "FILE_SAME_OPTION": frozenset({_F, _P}),  # reported as FILE_SAME_GO_PACKAGE, FILE_SAME_JAVA_PACKAGE...
    "ENUM_SAME_TYPE": frozenset({_F, _P}),
    "FIELD_SAME_CARDINALITY": frozenset({_F, _P}),
    "FIELD_SAME_JSTYPE": frozenset({_F, _P}),
    "FIELD_SAME_TYPE": frozenset({_F, _P}),
    "FIELD_NO_DELETE": frozenset({_F, _P}),
    "ENUM_VALUE_NO_DELETE": frozenset({_F, _P}),
    "ONEOF_NO_DELETE": frozenset({_F, _P}),
    "RPC_NO_DELETE": frozenset({_F, _P}),
    "EXTENSION_MESSAGE_NO_DELETE": frozenset({_F, _P}),
    "ENUM_VALUE_SAME_NAME": frozenset({_F, _P, _J}),
    "FIELD_SAME_JSON_NAME": frozenset({_F, _P, _J}),
    "FIELD_SAME_NAME": frozenset({_F, _P, _J}),
    "FIELD_SAME_DEFAULT": frozenset({_F, _P, _J, _W}),
    "FIELD_SAME_ONEOF": frozenset({_F, _P, _J, _W}),
    "FILE_SAME_PACKAGE": frozenset({_F, _P, _J, _W}),
    "MESSAGE_SAME_REQUIRED_FIELDS": frozenset({_F, _P, _J, _W}),
    "RESERVED_ENUM_NO_DELETE": frozenset({_F, _P, _J, _W}),
    "RESERVED_MESSAGE_NO_DELETE": frozenset({_F, _P, _J, _W}),
    "RPC_SAME_TYPES": frozenset({_F, _P, _J, _W}),  # RPC_SAME_REQUEST_TYPE, ..._CLIENT_STREAMING...
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": frozenset({_J}),
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": frozenset({_J}),
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": frozenset({_J}),
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": frozenset({_J}),
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": frozenset({_J, _W}),
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": frozenset({_J, _W}),
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": frozenset({_W}),
    "FIELD_WIRE_COMPATIBLE_TYPE": frozenset({_W}),
}

_FILE_OPTIONS = (
    "go_package",
    "java_package",
    "java_outer_classname",
    "java_multiple_files",
    "java_generic_services",
    "csharp_namespace",
    "objc_class_prefix",
    "php_namespace",
    "php_class_prefix",
    "php_metadata_namespace",
    "ruby_package",
    "swift_prefix",
    "optimize_for",
    "cc_enable_arenas",
    "cc_generic_services",
    "py_generic_services",
)


def breaking_changes(
    old: Mapping[str, ProtoFile], new: Mapping[str, ProtoFile], category: BufCategory
) -> list[BufFinding]:
    """What `buf breaking` under `category` would report for the files `new` against `old` (each keyed
    by import path); a file only on the old side was deleted."""
    found = [*_files(old, new), *_packages(old, new), *symbol_changes(old, new)]
    return [finding for finding in found if category in RULE_CATEGORIES[_rule_key(finding.rule)]]


def _rule_key(rule: str) -> str:
    if rule.startswith("FILE_SAME_") and rule.removeprefix("FILE_SAME_").lower() in _FILE_OPTIONS:
        return "FILE_SAME_OPTION"
    if rule.startswith("RPC_SAME_"):
        return "RPC_SAME_TYPES"
    return rule


def _files(old: Mapping[str, ProtoFile], new: Mapping[str, ProtoFile]) -> Iterator[BufFinding]:
    for name, before in old.items():
        after = new.get(name)
        if after is None:
            yield BufFinding(
                "FILE_NO_DELETE", name, None, f'Previously present file "{name}" was deleted.', True
            )
            continue
        if before.proto.package != after.proto.package:
            yield BufFinding(
                "FILE_SAME_PACKAGE",
                name,
                None,
                f'File package changed from "{before.proto.package}" to "{after.proto.package}".',
            )
        syntax_before, syntax_after = before.proto.syntax or "proto2", after.proto.syntax or "proto2"
        if syntax_before != syntax_after:
            yield BufFinding(
                "FILE_SAME_SYNTAX",
                name,
                None,
                f'File syntax changed from "{syntax_before}" to "{syntax_after}".',
            )
        for option in _FILE_OPTIONS:
            was, now = _option(before.proto.options, option), _option(after.proto.options, option)
            if was != now:
                yield BufFinding(
                    f"FILE_SAME_{option.upper()}",
                    name,
                    None,
                    f'File option "{option}" changed from "{was}" to "{now}".',
                )
        for kind, rule, symbols in (
            ("message", "MESSAGE_NO_DELETE", messages),
            ("enum", "ENUM_NO_DELETE", enums),
            ("service", "SERVICE_NO_DELETE", services),
        ):
            present = set(symbols(after))
            for symbol in symbols(before):
                if symbol not in present:
                    yield BufFinding(
                        rule,
                        name,
                        parent_pointer(symbol, before),
                        f'Previously present {kind} "{symbol}" was deleted from file.',
                    )


def _packages(old: Mapping[str, ProtoFile], new: Mapping[str, ProtoFile]) -> Iterator[BufFinding]:
    new_packages = {file.proto.package for file in new.values()}
    for package in sorted({file.proto.package for file in old.values()}):
        if package not in new_packages:
            first = next(name for name, file in old.items() if file.proto.package == package)
            yield BufFinding(
                "PACKAGE_NO_DELETE", first, None, f'Previously present package "{package}" was deleted.', True
            )
            continue
        for kind, rule, symbols in (
            ("message", "PACKAGE_MESSAGE_NO_DELETE", messages),
            ("enum", "PACKAGE_ENUM_NO_DELETE", enums),
            ("service", "PACKAGE_SERVICE_NO_DELETE", services),
        ):
            present = {s for file in new.values() if file.proto.package == package for s in symbols(file)}
            for name, file in old.items():
                if file.proto.package != package:
                    continue
                for symbol in symbols(file):
                    if symbol not in present:
                        target = (
                            name
                            if name in new
                            else next(n for n, f in new.items() if f.proto.package == package)
                        )
                        yield BufFinding(
                            rule,
                            target,
                            None,
                            f'Previously present {kind} "{symbol}" was deleted from package "{package}".',
                        )


def _option(options: object, name: str) -> object:
    return getattr(options, name) if options.HasField(name) else None  # type: ignore[attr-defined]
