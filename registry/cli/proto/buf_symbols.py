"""The rules of Buf's breaking categories that compare messages, fields, enums and services, keyed by
full name and number as Buf keys them (whichever file declares them), and the compiled files they read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from google.protobuf.descriptor import FieldDescriptor

if TYPE_CHECKING:
    from google.protobuf import descriptor, descriptor_pb2

# Scalar types a field may change between, per category (measured against buf 1.75's verdicts).
_WIRE_GROUPS = (
    {"int32", "uint32", "int64", "uint64", "bool"},
    {"sint32", "sint64"},
    {"fixed32", "sfixed32"},
    {"fixed64", "sfixed64"},
)
_WIRE_JSON_GROUPS = (
    {"int32", "uint32"},
    {"int64", "uint64"},
    {"fixed32", "sfixed32"},
    {"fixed64", "sfixed64"},
)


@dataclass(frozen=True, slots=True)
class BufFinding:
    """A broken rule: Buf's rule id, the file (import path) and pointer (`#/Order/3`) of the new side
    where it shows (of the old side for a deleted file), and what changed."""

    rule: str
    file: str
    pointer: str | None
    message: str
    in_old_file: bool = False


@dataclass(frozen=True, slots=True)
class ProtoFile:
    """One compiled file: its import path, descriptor proto and the pool that resolved it."""

    name: str
    proto: descriptor_pb2.FileDescriptorProto
    descriptor: descriptor.FileDescriptor


def symbol_changes(old: Mapping[str, ProtoFile], new: Mapping[str, ProtoFile]) -> Iterator[BufFinding]:
    new_messages = {
        full: (file, message) for file in new.values() for full, message in messages(file).items()
    }
    for file in old.values():
        for full, before in messages(file).items():
            if full in new_messages:
                after_file, after = new_messages[full]
                yield from _message(after_file, full, before, after)
    new_enums = {full: (file, enum) for file in new.values() for full, enum in enums(file).items()}
    for file in old.values():
        for full, before_enum in enums(file).items():
            if full in new_enums:
                after_file, after_enum = new_enums[full]
                yield from _enum(after_file, full, before_enum, after_enum)
    new_services = {
        full: (file, service) for file in new.values() for full, service in services(file).items()
    }
    for file in old.values():
        for full, before_service in services(file).items():
            if full in new_services:
                after_file, after_service = new_services[full]
                yield from _service(after_file, full, before_service, after_service)


def _message(
    file: ProtoFile, full: str, before: descriptor.Descriptor, after: descriptor.Descriptor
) -> Iterator[BufFinding]:
    at = _pointer(full, file)
    old_proto, new_proto = _message_proto(before), _message_proto(after)
    reserved_numbers = [(r.start, r.end) for r in new_proto.reserved_range]
    reserved_names = set(new_proto.reserved_name)
    for number, field in before.fields_by_number.items():
        now = after.fields_by_number.get(number)
        if now is None:
            what = (
                f'Previously present field "{number}" with name "{field.name}" on message "{after.name}" '
                "was deleted"
            )
            yield BufFinding("FIELD_NO_DELETE", file.name, at, what + ".")
            if not any(start <= number < end for start, end in reserved_numbers):
                yield BufFinding(
                    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
                    file.name,
                    at,
                    what + " without reserving the number.",
                )
            if field.name not in reserved_names:
                yield BufFinding(
                    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
                    file.name,
                    at,
                    what + " without reserving the name.",
                )
            continue
        yield from _field(file, f"{at}/{number}", after.name, field, now)
    for name in before.oneofs_by_name:
        if not _synthetic(before.oneofs_by_name[name]) and name not in after.oneofs_by_name:
            yield BufFinding(
                "ONEOF_NO_DELETE",
                file.name,
                at,
                f'Previously present oneof "{name}" on message "{after.name}" was deleted.',
            )
    required_before = {n for n, f in before.fields_by_number.items() if f.is_required}
    required_after = {n for n, f in after.fields_by_number.items() if f.is_required}
    for number in sorted(required_before ^ required_after):
        change = "added" if number in required_after else "deleted"
        yield BufFinding(
            "MESSAGE_SAME_REQUIRED_FIELDS",
            file.name,
            at,
            f'Message "{after.name}" had required field "{number}" {change}.',
        )
    kept_ranges = {(r.start, r.end) for r in new_proto.reserved_range}
    for r in old_proto.reserved_range:
        if (r.start, r.end) not in kept_ranges and not any(
            s <= r.start and r.end <= e for s, e in kept_ranges
        ):
            yield BufFinding(
                "RESERVED_MESSAGE_NO_DELETE",
                file.name,
                at,
                f'Previously present reserved range "[{r.start}, {r.end - 1}]" on message "{after.name}" '
                "was deleted.",
            )
    for name in old_proto.reserved_name:
        if name not in reserved_names:
            yield BufFinding(
                "RESERVED_MESSAGE_NO_DELETE",
                file.name,
                at,
                f'Previously present reserved name "{name}" on message "{after.name}" was deleted.',
            )
    kept_extensions = {(r.start, r.end) for r in new_proto.extension_range}
    for r in old_proto.extension_range:
        if (r.start, r.end) not in kept_extensions:
            yield BufFinding(
                "EXTENSION_MESSAGE_NO_DELETE",
                file.name,
                at,
                f'Previously present extension range "[{r.start}, {r.end - 1}]" on message "{after.name}" '
                "was deleted.",
            )


def _field(
    file: ProtoFile, at: str, message: str, before: FieldDescriptor, after: FieldDescriptor
) -> Iterator[BufFinding]:
    where = f'Field "{before.number}" on message "{message}"'
    if before.name != after.name:
        yield BufFinding(
            "FIELD_SAME_NAME", file.name, at, f'{where} changed name from "{before.name}" to "{after.name}".'
        )
    if before.json_name != after.json_name:
        yield BufFinding(
            "FIELD_SAME_JSON_NAME",
            file.name,
            at,
            f'{where} changed option "json_name" from "{before.json_name}" to "{after.json_name}".',
        )
    old_type, new_type = _type_name(before), _type_name(after)
    if old_type != new_type:
        change = f'{where} changed type from "{old_type}" to "{new_type}".'
        yield BufFinding("FIELD_SAME_TYPE", file.name, at, change)
        if not _shares_group(old_type, new_type, _WIRE_GROUPS) and (old_type, new_type) != (
            "string",
            "bytes",
        ):
            yield BufFinding("FIELD_WIRE_COMPATIBLE_TYPE", file.name, at, change)
        if not _shares_group(old_type, new_type, _WIRE_JSON_GROUPS):
            yield BufFinding("FIELD_WIRE_JSON_COMPATIBLE_TYPE", file.name, at, change)
    old_card, new_card = _cardinality(before), _cardinality(after)
    if old_card != new_card:
        change = f'{where} changed cardinality from "{old_card}" to "{new_card}".'
        yield BufFinding("FIELD_SAME_CARDINALITY", file.name, at, change)
        if (old_card == "repeated") != (new_card == "repeated"):
            yield BufFinding("FIELD_WIRE_COMPATIBLE_CARDINALITY", file.name, at, change)
            yield BufFinding("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", file.name, at, change)
    old_oneof, new_oneof = _oneof(before), _oneof(after)
    if old_oneof != new_oneof:
        yield BufFinding(
            "FIELD_SAME_ONEOF",
            file.name,
            at,
            f'{where} moved from oneof "{old_oneof}" to oneof "{new_oneof}".',
        )
    if _default(before) != _default(after):
        yield BufFinding(
            "FIELD_SAME_DEFAULT",
            file.name,
            at,
            f"{where} changed default value from {_default(before)!r} to {_default(after)!r}.",
        )
    if before.GetOptions().jstype != after.GetOptions().jstype:
        yield BufFinding("FIELD_SAME_JSTYPE", file.name, at, f'{where} changed option "jstype".')


def _enum(
    file: ProtoFile, full: str, before: descriptor.EnumDescriptor, after: descriptor.EnumDescriptor
) -> Iterator[BufFinding]:
    at = _pointer(full, file)
    new_proto, old_proto = _enum_proto(after), _enum_proto(before)
    reserved_names = set(new_proto.reserved_name)
    for number, value in before.values_by_number.items():
        now = after.values_by_number.get(number)
        if now is None:
            what = f'Previously present enum value "{number}" on enum "{after.name}" was deleted'
            yield BufFinding("ENUM_VALUE_NO_DELETE", file.name, at, what + ".")
            if not any(r.start <= number <= r.end for r in new_proto.reserved_range):
                yield BufFinding(
                    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                    file.name,
                    at,
                    what + " without reserving the number.",
                )
            if value.name not in reserved_names:
                yield BufFinding(
                    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
                    file.name,
                    at,
                    what + " without reserving the name.",
                )
            continue
        old_names = {v.name for v in before.values if v.number == number}
        new_names = {v.name for v in after.values if v.number == number}
        if not old_names <= new_names:
            yield BufFinding(
                "ENUM_VALUE_SAME_NAME",
                file.name,
                f"{at}/{number}",
                f'Enum value "{number}" on enum "{after.name}" changed name from "{sorted(old_names)[0]}" '
                f'to "{sorted(new_names)[0]}".',
            )
    if before.is_closed != after.is_closed:
        kinds = {True: "closed", False: "open"}
        yield BufFinding(
            "ENUM_SAME_TYPE",
            file.name,
            at,
            f'Enum "{after.name}" changed from {kinds[before.is_closed]} to {kinds[after.is_closed]}.',
        )
    kept = {(r.start, r.end) for r in new_proto.reserved_range}
    for r in old_proto.reserved_range:
        if (r.start, r.end) not in kept:
            yield BufFinding(
                "RESERVED_ENUM_NO_DELETE",
                file.name,
                at,
                f'Previously present reserved range "[{r.start}, {r.end}]" on enum "{after.name}" '
                "was deleted.",
            )
    for name in old_proto.reserved_name:
        if name not in reserved_names:
            yield BufFinding(
                "RESERVED_ENUM_NO_DELETE",
                file.name,
                at,
                f'Previously present reserved name "{name}" on enum "{after.name}" was deleted.',
            )


def _service(
    file: ProtoFile, full: str, before: descriptor.ServiceDescriptor, after: descriptor.ServiceDescriptor
) -> Iterator[BufFinding]:
    for method in before.methods:
        now = after.methods_by_name.get(method.name)
        if now is None:
            yield BufFinding(
                "RPC_NO_DELETE",
                file.name,
                None,
                f'Previously present RPC "{method.name}" on service "{after.name}" was deleted.',
            )
            continue
        for rule, was, is_ in (
            ("RPC_SAME_REQUEST_TYPE", method.input_type.full_name, now.input_type.full_name),
            ("RPC_SAME_RESPONSE_TYPE", method.output_type.full_name, now.output_type.full_name),
            ("RPC_SAME_CLIENT_STREAMING", method.client_streaming, now.client_streaming),
            ("RPC_SAME_SERVER_STREAMING", method.server_streaming, now.server_streaming),
        ):
            if was != is_:
                yield BufFinding(
                    rule,
                    file.name,
                    None,
                    f'RPC "{method.name}" on service "{after.name}" changed from "{was}" to "{is_}".',
                )


def messages(file: ProtoFile) -> dict[str, descriptor.Descriptor]:
    found: dict[str, descriptor.Descriptor] = {}
    pending = list(file.descriptor.message_types_by_name.values())
    while pending:
        message = pending.pop(0)
        if not message.GetOptions().map_entry:
            found[message.full_name] = message
        pending.extend(message.nested_types)
    return found


def enums(file: ProtoFile) -> dict[str, descriptor.EnumDescriptor]:
    found = {enum.full_name: enum for enum in file.descriptor.enum_types_by_name.values()}
    for message in messages(file).values():
        found.update({enum.full_name: enum for enum in message.enum_types})
    return found


def services(file: ProtoFile) -> dict[str, descriptor.ServiceDescriptor]:
    return {service.full_name: service for service in file.descriptor.services_by_name.values()}


def _message_proto(message: descriptor.Descriptor) -> descriptor_pb2.DescriptorProto:
    from google.protobuf import descriptor_pb2

    proto = descriptor_pb2.DescriptorProto()
    message.CopyToProto(proto)
    return proto


def _enum_proto(enum: descriptor.EnumDescriptor) -> descriptor_pb2.EnumDescriptorProto:
    from google.protobuf import descriptor_pb2

    proto = descriptor_pb2.EnumDescriptorProto()
    enum.CopyToProto(proto)
    return proto


_SCALARS = {
    getattr(FieldDescriptor, f"TYPE_{name.upper()}"): name
    for name in [
        "double",
        "float",
        "int64",
        "uint64",
        "int32",
        "fixed64",
        "fixed32",
        "bool",
        "string",
        "bytes",
        "uint32",
        "sfixed32",
        "sfixed64",
        "sint32",
        "sint64",
    ]
}


def _type_name(field: FieldDescriptor) -> str:
    named = field.message_type or field.enum_type
    return str(named.full_name) if named is not None else _SCALARS[field.type]


def _shares_group(old: str, new: str, groups: tuple[set[str], ...]) -> bool:
    return any(old in group and new in group for group in groups)


def _cardinality(field: FieldDescriptor) -> str:
    if field.is_repeated:
        return "repeated"
    if field.is_required:
        return "required"
    return "optional" if field.has_presence else "optional_implicit"


def _oneof(field: FieldDescriptor) -> str:
    oneof = field.containing_oneof
    return "" if oneof is None or _synthetic(oneof) else oneof.name


def _synthetic(oneof: descriptor.OneofDescriptor) -> bool:
    """The oneof protoc makes for a proto3 `optional` field, which Buf does not count as a oneof."""
    fields = list(oneof.fields)
    return len(fields) == 1 and oneof.name == f"_{fields[0].name}" and fields[0].has_presence


def _default(field: FieldDescriptor) -> object:
    return field.default_value if field.has_default_value and not field.is_repeated else None


def _pointer(full: str, file: ProtoFile) -> str:
    """`#/Order/LineItem` for message or enum `full` of `file` (its name within the package)."""
    package = file.proto.package
    inner = full.removeprefix(f"{package}.") if package else full
    return "#/" + "/".join(inner.split("."))


def parent_pointer(full: str, file: ProtoFile) -> str | None:
    """Where a deleted nested symbol's parent is declared (None for a top-level one)."""
    parts = _pointer(full, file).split("/")
    return "/".join(parts[:-1]) if len(parts) > 2 else None
