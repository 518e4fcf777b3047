"""`accord schema lint`: the seed guide's event conventions as rules with stable ids.

Rules ACC003 and ACC004 compare each file with its previous version (`--against git:REF` or
`--against registry`); the others read the file alone. A rule is disabled with `[lint] disable`, and
a baseline file (`--write-baseline`) lets an existing repository adopt the rules for new changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client import event_type_problem
from registry.cli.errors import CliError
from registry.cli.project import Project, SchemaFile, display_path
from registry.cli.proto.findings import finding_on as finding_at  # also on the lines of .proto files
from registry.compatibility import SchemaType
from registry.compatibility.reports import Case, Report, ReportFinding

LINT_TOOL = "accord schema lint"
ENVELOPE_FIELDS = (
    "eventId",
    "source",
    "eventType",
    "eventVersion",
    "timestamp",
    "correlationId",
    "causationId",
    "data",
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: a stable id for configs and baselines, a name, and what it asks for."""

    id: str
    name: str
    summary: str
    needs_history: bool = False


RULES = (
    Rule("ACC001", "event-name-past-tense", "an event is named as a past-tense fact, like OrderCreated"),
    Rule(
        "ACC002", "field-documented", "every field says what it means (Avro `doc`, JSON Schema `description`)"
    ),
    Rule(
        "ACC003", "new-field-has-default", "a required field added since the last version has a default", True
    ),
    Rule(
        "ACC004", "no-field-removed", "a field is removed only with a new event type (OrderCreatedV2)", True
    ),
    Rule("ACC005", "envelope-complete", "a schema that models the envelope has every envelope field"),
    Rule(
        "ACC006",
        "protobuf-style",
        "Protobuf messages and enums are PascalCase, fields lower_snake_case, enum values UPPER_SNAKE_CASE",
    ),
)
RULES_BY_KEY = {key: rule for rule in RULES for key in (rule.id, rule.name)}


@dataclass(frozen=True, slots=True)
class Field:
    """A field of a record (Avro) or a property of an object (JSON Schema)."""

    name: str
    pointer: str
    documented: bool
    has_default: bool
    required: bool


@dataclass(slots=True)
class Shape:
    """What the rules read from a schema, whatever its format."""

    event_name: str | None = None
    name_pointer: str = "#"
    top_pointer: str = "#"
    top_fields: list[Field] = field(default_factory=list)
    records: dict[str, list[Field]] = field(default_factory=dict)  # by Avro full name or JSON pointer
    record_pointers: dict[str, str] = field(default_factory=dict)


def enabled_rules(project: Project) -> list[Rule]:
    """The rules the configuration leaves on."""
    disabled = set()
    for key in project.config.lint.disable:
        rule = RULES_BY_KEY.get(key)
        if rule is None:
            known = ", ".join(f"{rule.id} ({rule.name})" for rule in RULES)
            raise CliError(f"[lint] disable names an unknown rule {key!r}; the rules are {known}")
        disabled.add(rule.id)
    return [rule for rule in RULES if rule.id not in disabled]


def lint_files(
    project: Project,
    files: Sequence[SchemaFile],
    previous: Mapping[str, SchemaFile] | None,
    *,
    baseline: AbstractSet[tuple[str, str, str]] = frozenset(),
) -> Report:
    """Lint each file; `previous` maps subjects to their last version (None: no history rules)."""
    rules = enabled_rules(project)
    all_files = project.schema_files()
    referenced = {  # files other files refer to are shared types, not events
        target.path
        for file in all_files
        for reference in file.references
        if (target := project.reference_target(reference, all_files)) is not None
    }
    cases = []
    findings = []
    for file in files:
        invalid = _invalid(project, file, all_files)
        found = invalid or [
            finding
            for finding in _lint_file(file, rules, previous, is_event=file.path not in referenced)
            if baseline_key(project, file, finding) not in baseline
        ]
        findings += found
        cases.append(
            Case(file.subject, f"{file.display}: {len(found)} finding(s)" if found else file.display)
        )
    notes = []
    if previous is None and any(rule.needs_history for rule in rules):
        history = ", ".join(rule.id for rule in rules if rule.needs_history)
        notes.append(
            f"{history} compare with the previous version: pass --against git:REF or --against registry"
        )
    return Report(tool=LINT_TOOL, cases=tuple(cases), findings=tuple(findings), notes=tuple(notes))


def baseline_key(project: Project, file: SchemaFile, finding: ReportFinding) -> tuple[str, str, str]:
    """What identifies a finding in the baseline: no line number, so edits above it do not matter."""
    return (file.path.relative_to(project.root).as_posix(), finding.rule, finding.message)


def read_baseline(project: Project) -> set[tuple[str, str, str]]:
    path = project.root / project.config.lint.baseline
    if not path.exists():
        return set()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["findings"]
        return {(entry["file"], entry["rule"], entry["message"]) for entry in entries}
    except (ValueError, KeyError, TypeError) as error:
        raise CliError(
            f"{display_path(path)} is not a lint baseline ({error}); write it with --write-baseline"
        ) from None


def write_baseline(project: Project, files: Sequence[SchemaFile], report: Report) -> Path:
    """Record every current finding, so that lint reports only new ones from now on."""
    by_display = {file.display: file for file in files}
    entries = sorted(
        {baseline_key(project, by_display[finding.file], finding) for finding in report.findings},
    )
    path = project.root / project.config.lint.baseline
    document = {
        "findings": [{"file": file, "rule": rule, "message": message} for file, rule, message in entries]
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _invalid(project: Project, file: SchemaFile, all_files: Sequence[SchemaFile]) -> list[ReportFinding]:
    """Why the file is not a valid schema (nothing when it is): an invalid file is not linted. Files
    that refer to subjects only the registry holds are not parsed here."""
    from registry.cli.judging import parse_file

    if any(reference.path is None for reference in file.references):
        return []
    return parse_file(project, file, all_files, None)[1]


def _lint_file(
    file: SchemaFile, rules: Sequence[Rule], previous: Mapping[str, SchemaFile] | None, *, is_event: bool
) -> Iterator[ReportFinding]:
    shape = _shape_of(file)
    if shape is None:
        what = "protoc refuses it" if file.schema_type is SchemaType.PROTOBUF else "it is not a JSON document"
        yield _finding(file, "INVALID_SCHEMA", "#", f"the file cannot be linted: {what}")
        return
    old = previous.get(file.subject) if previous is not None else None
    old_shape = _shape_of(old) if old is not None else None
    ids = {rule.id for rule in rules}
    if "ACC001" in ids and is_event:
        yield from _event_name(file, shape)
    if "ACC002" in ids:
        for fields in shape.records.values():
            for item in fields:
                if not item.documented:
                    what = _DOCUMENTATION[file.schema_type]
                    yield _finding(
                        file, "ACC002", item.pointer, f"field {item.name!r} has no {what}: say what it means"
                    )
    if old_shape is not None and previous is not None:
        if "ACC003" in ids:
            yield from _new_fields_without_default(file, shape, old_shape)
        if "ACC004" in ids and shape.event_name == old_shape.event_name:
            yield from _removed_fields(file, shape, old_shape)
    if "ACC005" in ids:
        yield from _incomplete_envelope(file, shape)
    if "ACC006" in ids and file.schema_type is SchemaType.PROTOBUF:
        from registry.cli.proto.lint import style_findings

        yield from style_findings(file)


def _event_name(file: SchemaFile, shape: Shape) -> Iterator[ReportFinding]:
    if shape.event_name is None:
        yield _finding(
            file, "ACC001", "#", "the schema does not name its event: give it a `title` like OrderCreated"
        )
        return
    problem = event_type_problem(shape.event_name)
    if problem is not None:
        yield _finding(file, "ACC001", shape.name_pointer, f"event name {shape.event_name!r} {problem}")


def _new_fields_without_default(file: SchemaFile, shape: Shape, old: Shape) -> Iterator[ReportFinding]:
    for key, fields in shape.records.items():
        if key not in old.records:
            continue
        known = {item.name for item in old.records[key]}
        for item in fields:
            if item.name not in known and item.required and not item.has_default:
                yield _finding(
                    file,
                    "ACC003",
                    item.pointer,
                    f"new required field {item.name!r} has no default, so data written before it cannot be "
                    f"read: {_DEFAULT_FIX.get(file.schema_type, 'give it a default')}",
                )


def _removed_fields(file: SchemaFile, shape: Shape, old: Shape) -> Iterator[ReportFinding]:
    for key, old_fields in old.records.items():
        if key not in shape.records:
            continue
        present = {item.name for item in shape.records[key]}
        for item in old_fields:
            if item.name not in present:
                yield _finding(
                    file,
                    "ACC004",
                    shape.record_pointers[key],
                    f"field {item.name!r} was removed: consumers may still read it. Publish a new event type "
                    f"(like {shape.event_name or 'the event'}V2) instead",
                )


def _incomplete_envelope(file: SchemaFile, shape: Shape) -> Iterator[ReportFinding]:
    names = {item.name for item in shape.top_fields}
    if "data" not in names or not names & {"eventId", "eventType"}:
        return  # the schema models the event data, not the envelope
    for name in ENVELOPE_FIELDS:
        if name not in names:
            yield _finding(file, "ACC005", shape.top_pointer, f"the envelope has no {name!r} field")


_DEFAULT_FIX = {SchemaType.PROTOBUF: "make it optional (a proto2 required field has no default)"}
_DOCUMENTATION = {SchemaType.AVRO: "doc", SchemaType.JSON: "description", SchemaType.PROTOBUF: "comment"}


def _finding(file: SchemaFile, rule: str, pointer: str, message: str) -> ReportFinding:
    return finding_at(file.text, pointer, file=file.display, rule=rule, message=message, case=file.subject)


def _shape_of(file: SchemaFile) -> Shape | None:
    if file.schema_type is SchemaType.PROTOBUF:
        from registry.cli.proto.lint import proto_shape

        return proto_shape(file)
    try:
        document = json.loads(file.text)
    except ValueError:
        return None
    shape = Shape()
    if file.schema_type is SchemaType.AVRO:
        _walk_avro(document, "#", "", shape, top=True)
    else:
        _walk_json(document, "#", shape, top=True)
    return shape


def _walk_avro(node: Any, pointer: str, namespace: str, shape: Shape, *, top: bool = False) -> None:
    if isinstance(node, list):
        for index, branch in enumerate(node):
            _walk_avro(branch, f"{pointer}/{index}", namespace, shape, top=top)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind in ("array", "map"):
        child = "items" if kind == "array" else "values"
        _walk_avro(node.get(child), f"{pointer}/{child}", namespace, shape)
        return
    if kind != "record" or not isinstance(node.get("fields"), list):
        if isinstance(kind, (dict, list)):
            _walk_avro(kind, f"{pointer}/type", namespace, shape, top=top)
        return
    name = str(node.get("name", ""))
    namespace = str(node.get("namespace", namespace)) if "." not in name else name.rpartition(".")[0]
    full_name = name if "." in name else f"{namespace}.{name}".strip(".")
    fields = []
    for index, item in enumerate(node["fields"]):
        if not isinstance(item, dict):
            continue
        field_pointer = f"{pointer}/fields/{index}"
        fields.append(
            Field(
                name=str(item.get("name", "")),
                pointer=field_pointer,
                documented=bool(str(item.get("doc", "")).strip()),
                has_default="default" in item,
                required=True,
            )
        )
        _walk_avro(item.get("type"), f"{field_pointer}/type", namespace, shape)
    shape.records[full_name] = fields
    shape.record_pointers[full_name] = f"{pointer}/fields"
    if top:
        shape.event_name = name.rpartition(".")[2]
        shape.name_pointer = f"{pointer}/name"
        shape.top_pointer = f"{pointer}/fields"
        shape.top_fields = fields


_JSON_SUBSCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains")
_JSON_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_JSON_SCHEMA_MAPS = ("definitions", "$defs", "patternProperties", "dependentSchemas")


def _walk_json(node: Any, pointer: str, shape: Shape, *, top: bool = False) -> None:
    if not isinstance(node, dict):
        return
    if top and isinstance(node.get("title"), str):
        shape.event_name = node["title"]
        shape.name_pointer = f"{pointer}/title"
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = set(node.get("required", [])) if isinstance(node.get("required"), list) else set()
        fields = []
        for name, schema in properties.items():
            property_pointer = f"{pointer}/properties/{_escape(name)}"
            documented = isinstance(schema, dict) and ("description" in schema or set(schema) == {"$ref"})
            fields.append(
                Field(
                    name=name,
                    pointer=property_pointer,
                    documented=documented or schema is True,
                    has_default=isinstance(schema, dict) and "default" in schema,
                    required=name in required,
                )
            )
            _walk_json(schema, property_pointer, shape)
        shape.records[pointer] = fields
        shape.record_pointers[pointer] = f"{pointer}/properties"
        if top:
            shape.top_pointer = f"{pointer}/properties"
            shape.top_fields = fields
    for key in _JSON_SUBSCHEMAS:
        _walk_json(node.get(key), f"{pointer}/{key}", shape)
    for key in _JSON_SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            for index, child in enumerate(node[key]):
                _walk_json(child, f"{pointer}/{key}/{index}", shape)
    for key in _JSON_SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            for name, child in node[key].items():
                _walk_json(child, f"{pointer}/{key}/{_escape(name)}", shape)


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
