"""Compatibility checks of schema files: against the registry, against a git ref, or of two files.

Each check returns a `Report`: one case per subject (or file pair), one finding per reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from client import Schema, SchemaNotFoundError, SchemaReference
from registry.cli.errors import CliError
from registry.cli.git import original_path
from registry.cli.project import Project, SchemaFile, display_path
from registry.cli.proto.findings import compile_findings
from registry.cli.proto.findings import finding_on as finding_at  # also on the lines of .proto files
from registry.compatibility import (
    CompatibilityLevel,
    CompatibilityPolicy,
    CompatibilityResult,
    ParsedSchema,
    PreviousVersion,
    ResolvedReference,
    SchemaParseError,
    SchemaType,
    check_compatibility,
    parse_schema,
)
from registry.compatibility.reports import Case, Report, ReportFinding, Severity

if TYPE_CHECKING:
    from client import RegistryClient  # httpx: loaded by the commands that connect, not by diff

CHECK_TOOL = "accord schema check"
DIFF_TOOL = "accord schema diff"


def check_against_git(project: Project, files: Sequence[SchemaFile], old: Project | None, ref: str) -> Report:
    """Each file against the file of the same subject at `ref`, with the compatibility engine.

    Every file is parsed; subjects that are new then pass; subjects whose file is gone are reported
    when every file is checked.
    """
    from registry.cli.judging import parse_file

    old_files = {file.subject: file for file in old.schema_files(missing_ok=True)} if old else {}
    all_files = project.schema_files()
    cases: list[Case] = []
    findings: list[ReportFinding] = []
    for file in files:
        new_schema, problems = parse_file(project, file, all_files, None)
        findings += problems
        if new_schema is None:
            cases.append(Case(file.subject, f"{file.display}: {unusable(problems)}"))
            continue
        previous = old_files.get(file.subject)
        if previous is None or old is None:
            cases.append(Case(file.subject, f"{file.display}: new subject, nothing at {ref} to break"))
            continue
        old_schema = _parse_old(project, old, previous, list(old_files.values()), ref)
        if isinstance(old_schema, ReportFinding):
            findings.append(old_schema)
            cases.append(Case(file.subject, f"{file.display}: cannot be compared with {ref}"))
            continue
        result = check_compatibility(
            new_schema, [PreviousVersion(1, old_schema)], level=file.offline_level, policy=file.offline_policy
        )
        findings += result_findings(
            result, file.display, file.text, case=file.subject, old=f"the file at {ref}"
        )
        cases.append(Case(file.subject, f"{file.display}: {_verdict(result, f'the file at {ref}')}"))
    if len(files) == len(all_files):
        current = {file.subject for file in all_files}
        for subject, gone in old_files.items():
            if subject not in current:
                assert old is not None
                findings.append(_deleted(subject, display_path(original_path(old, project, gone.path)), ref))
                cases.append(Case(subject, f"deleted since {ref}"))
    return Report(tool=CHECK_TOOL, cases=tuple(cases), findings=tuple(findings))


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff: how reports name it, the file its findings are on, and its text (for a
    `.proto` file, the folders its imports resolve from)."""

    display: str
    file: str
    text: str
    import_roots: tuple[Path, ...] = ()


def diff_files(
    old: Side,
    new: Side,
    *,
    level: CompatibilityLevel,
    schema_type: SchemaType,
    policy: CompatibilityPolicy = CompatibilityPolicy.STRICT,
) -> Report:
    """Whether `new` may follow `old` at `level` (JSON Schema: under `policy`)."""
    case = f"{old.display} -> {new.display}"
    findings: list[ReportFinding] = []
    parsed: list[ParsedSchema] = []
    for side in (old, new):
        references: list[ResolvedReference] = []
        if schema_type is SchemaType.PROTOBUF:
            from registry.cli.proto.imports import resolved_imports

            references = resolved_imports(side.text, side.import_roots)
        schema, problems = parse_text(schema_type, side.text, references, side.file, case=case)
        findings += problems
        if schema is not None:
            parsed.append(schema)
    if len(parsed) < 2:
        return Report(tool=DIFF_TOOL, cases=(Case(case, "does not parse"),), findings=tuple(findings))
    result = check_compatibility(parsed[1], [PreviousVersion(1, parsed[0])], level=level, policy=policy)
    findings += result_findings(result, new.file, new.text, case=case, old=old.display)
    return Report(
        tool=DIFF_TOOL,
        cases=(Case(case, _verdict(result, old.display)),),
        findings=tuple(findings),
    )


def result_findings(
    result: CompatibilityResult, file: str, text: str, *, case: str, old: str
) -> list[ReportFinding]:
    """One finding per incompatibility, on the line of the new schema that the path points at."""
    findings = []
    for failure in result.failures:
        if failure.direction == "BACKWARD":
            why = f"the new schema cannot read data written with {old}"
        else:
            why = f"{old} cannot read data written with the new schema"
        findings += [
            finding_at(
                text,
                issue.path,
                file=file,
                rule=issue.type,
                message=f"{issue.message} (at {issue.path}: {why})",
                case=case,
            )
            for issue in failure.incompatibilities
        ]
    return findings


def registry_references(
    project: Project, file: SchemaFile, all_files: Sequence[SchemaFile], client: RegistryClient
) -> tuple[list[SchemaReference], list[ReportFinding]]:
    """The file's references as the registry knows them: a referenced project file must already be
    registered under its subject (its version is looked up)."""
    references: list[SchemaReference] = []
    problems: list[ReportFinding] = []
    for reference in file.references:
        if reference.subject is not None and reference.version is not None:
            references.append(SchemaReference(reference.name, reference.subject, reference.version))
            continue
        target = project.reference_target(reference, all_files)
        if target is None:
            raise CliError(
                f"{file.display}: reference {reference.name!r} points at {reference.path}, "
                "which is not a configured schema file"
            )
        target_references, target_problems = registry_references(project, target, all_files, client)
        try:
            registered = client.lookup_schema(target.subject, schema_of(target, target_references))
        except SchemaNotFoundError:
            problems.append(
                ReportFinding(
                    file=file.display,
                    rule="REFERENCE_NOT_REGISTERED",
                    message=(
                        f"reference {reference.name!r} is {target.display}, which is not registered under "
                        f"subject {target.subject!r} yet; register it first (accord schema register)"
                    ),
                    case=file.subject,
                )
            )
            continue
        problems += target_problems
        references.append(SchemaReference(reference.name, target.subject, registered.version))
    return references, problems


def schema_of(file: SchemaFile, references: Sequence[SchemaReference]) -> Schema:
    """The file as the registry's API carries it."""
    return Schema(file.text, file.schema_type.value, tuple(references))


_REASON = re.compile(
    r"^\{errorType:'(?P<type>[^']*)', description:'(?P<description>.*?)'(?:, additionalInfo:.*)?\}$"
)
_PATH = re.compile(r"path '(?P<path>[^']*)'")
_LEVEL = re.compile(r"^\{compatibility: '([A-Z_]+)'\}$")
_CONTEXT = re.compile(r"^\{(oldSchemaVersion|oldSchema|compatibility|validateFields):")


BROKEN_EXPECTATION = "CONSUMER_EXPECTATION_BROKEN"  # the errorType of the registry's guard messages


def refusal(messages: Sequence[str], found: Sequence[ReportFinding]) -> str:
    """Which part of registration refuses: the subject's level, or consumers' published expectations."""
    if any(finding.rule == BROKEN_EXPECTATION for finding in found):
        return "refused by consumer expectations (registering would answer 40910)"
    level = next((m for m in map(_LEVEL.search, messages) if m), None)
    at = f" at {level.group(1)}" if level else ""
    return f"not compatible with the registry{at}"


def reasons(messages: Sequence[str]) -> list[str]:
    """The reasons among Confluent's verbose messages, without the old version, schema and level."""
    return [message for message in messages if not _CONTEXT.match(message)]


def reason_finding(message: str, file: SchemaFile) -> ReportFinding:
    """A Confluent verbose message (`{errorType:'...', description:'...'}`) as a finding, on the line
    of the path it names when it names one."""
    match = _REASON.match(message)
    rule, description = (
        (match.group("type"), match.group("description")) if match else ("INCOMPATIBLE", message)
    )
    path = _PATH.search(description)
    pointer = path.group("path") if path else None
    return finding_at(
        file.text, pointer, file=file.display, rule=rule, message=description, case=file.subject
    )


def unusable(problems: Sequence[ReportFinding]) -> str:
    """Why a file that did not parse cannot be judged."""
    if any(problem.rule == "REFERENCE_NOT_FOUND" for problem in problems):
        return "a referenced schema cannot be found"
    return "not a valid schema"


def parse_text(
    schema_type: SchemaType, text: str, references: Sequence[ResolvedReference], display: str, *, case: str
) -> tuple[ParsedSchema | None, list[ReportFinding]]:
    try:
        return parse_schema(schema_type, text, references), []
    except SchemaParseError as error:
        if schema_type is SchemaType.PROTOBUF:  # protoc's errors, each at file:line:column
            return None, compile_findings(error, text, display, case=case, imported={})
        finding = finding_at(
            text, error.path, file=display, rule="INVALID_SCHEMA", message=str(error), case=case
        )
        return None, [finding]


def _parse_old(
    project: Project, old: Project, previous: SchemaFile, old_files: Sequence[SchemaFile], ref: str
) -> ParsedSchema | ReportFinding:
    try:
        references = old.resolve_references(previous, old_files)
        return parse_schema(previous.schema_type, previous.text, references)
    except (SchemaParseError, CliError) as error:
        return ReportFinding(
            file=display_path(original_path(old, project, previous.path)),
            rule="OLD_SCHEMA_UNREADABLE",
            message=f"the file at {ref} cannot be parsed, so it cannot be compared: {error}",
            severity=Severity.WARNING,
            case=previous.subject,
        )


def _verdict(result: CompatibilityResult, old: str) -> str:
    verdict = "compatible" if result.is_compatible else "not compatible"
    return f"{verdict} with {old} ({result.level.value})"


def _deleted(subject: str, path: str, ref: str) -> ReportFinding:
    return ReportFinding(
        file=path,
        rule="SUBJECT_DELETED",
        message=(
            f"subject {subject!r} ({path} at {ref}) is no longer configured: its consumers lose their "
            "schema. Keep the file, or retire the subject on purpose after its consumers have moved"
        ),
        case=subject,
    )
