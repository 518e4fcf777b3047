"""Findings on the lines of `.proto` files: protoc's errors at file:line:column, and the places
compatibility paths (`#/Order/3`) and lint rules name."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from registry.cli.project import display_path
from registry.compatibility import SchemaParseError
from registry.compatibility.reports import ReportFinding, Severity, finding_at, locate

MAIN_FILE = "default"  # the name protoc knows the compiled file by (registry.compatibility.protobuf)
_REGISTRY_HINT = " Register it and list it"  # the registry's advice; here imports resolve from proto_path


def finding_on(
    text: str,
    pointer: str | None,
    *,
    file: str,
    rule: str,
    message: str,
    case: str | None = None,
    severity: Severity = Severity.ERROR,
) -> ReportFinding:
    """A finding on the line `pointer` names: in JSON text (Avro, JSON Schema) by JSON pointer, and
    in any other text, which can only be `.proto` source, by message, field number or name."""
    if pointer and locate(text, "#") is None:
        position = proto_position(text, pointer)
        if position is not None:
            return ReportFinding(
                file=file,
                line=position[0],
                column=position[1],
                rule=rule,
                message=message,
                case=case,
                severity=severity,
            )
    return finding_at(text, pointer, file=file, rule=rule, message=message, case=case, severity=severity)


def proto_position(text: str, pointer: str) -> tuple[int, int] | None:
    """The 1-based line and column of the declaration `pointer` names in `.proto` source."""
    from registry.compatibility.protobuf.locations import line_of

    line = line_of(text, pointer)
    if line is None:
        return None
    source = text.splitlines()[line - 1]
    return line, len(source) - len(source.lstrip()) + 1


def compile_findings(
    error: SchemaParseError, text: str, display: str, *, case: str, imported: Mapping[str, str]
) -> list[ReportFinding]:
    """protoc's errors, each at its file:line:column (`imported` maps import paths to the displayed
    paths of the project's files); other refusals on the file itself."""
    from registry.compatibility.protobuf import ProtobufCompileError

    if not isinstance(error, ProtobufCompileError):
        return [finding_at(text, None, file=display, rule="INVALID_SCHEMA", message=str(error), case=case)]
    return [
        ReportFinding(
            file=display
            if diagnostic.file == MAIN_FILE
            else _imported_file(diagnostic.file, display, imported),
            line=diagnostic.line,
            column=diagnostic.column,
            rule="INVALID_SCHEMA",
            message=f"protoc: {diagnostic.message.split(_REGISTRY_HINT)[0]}",
            case=case,
        )
        for diagnostic in error.diagnostics
    ]


def _imported_file(name: str, display: str, imported: Mapping[str, str]) -> str:
    """Where the file imported as `name` is shown: as `imported` says, else the file at that import path
    under the importing file's folder or a folder above it (as the project's import roots usually
    are), else the import path itself."""
    if name in imported:
        return imported[name]
    for folder in Path(display).parents:
        if (folder / name).is_file():
            return display_path((folder / name).resolve())
    return name
