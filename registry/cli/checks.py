"""Compatibility checks of schema files: against the registry, against a git ref, or of two files.

Each check returns a `Report`: one case per subject (or file pair), one finding per reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from client import Schema, SchemaNotFoundError, SchemaReference
from registry.cli.errors import CliError
from registry.cli.git import original_path
from registry.cli.project import Project, SchemaFile, display_path
from registry.cli.proto.findings import compile_findings, local_problems
from registry.cli.proto.findings import finding_on as finding_at  # also on the lines of .proto files
from registry.compatibility import (
    CompatibilityLevel,
    CompatibilityPolicy,
    CompatibilityResult,
    InvalidSchemaError,
    ParsedSchema,
    PreviousVersion,
    ResolvedReference,
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

    Subjects that are new pass; subjects whose file is gone are reported when every file is checked.
    """
    old_files = {file.subject: file for file in old.schema_files(missing_ok=True)} if old else {}
    all_files = project.schema_files()
    cases: list[Case] = []
    findings: list[ReportFinding] = []
    for file in files:
        previous = old_files.get(file.subject)
        if previous is None or old is None:
            cases.append(Case(file.subject, f"{file.display}: new subject, nothing at {ref} to break"))
            continue
        new_schema, problems = _parse_file(
            file, project.resolve_references(file, all_files), case=file.subject
        )
        findings += problems
        if new_schema is None:
            cases.append(Case(file.subject, f"{file.display}: does not parse"))
            continue
        old_schema = _parse_old(project, old, previous, list(old_files.values()), ref)
        if isinstance(old_schema, ReportFinding):
            findings.append(old_schema)
            cases.append(Case(file.subject, f"{file.display}: cannot be compared with {ref}"))
            continue
        result = check_compatibility(
            new_schema, [PreviousVersion(1, old_schema)], level=file.compatibility, policy=file.policy
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


def check_against_registry(project: Project, files: Sequence[SchemaFile], client: RegistryClient) -> Report:
    """Each file as the registry's compatibility endpoint judges it (verbose), as registering would."""
    all_files = project.schema_files()
    cases: list[Case] = []
    findings: list[ReportFinding] = []
    for file in files:
        if file.schema_type is SchemaType.PROTOBUF and (invalid := local_problems(project, file, all_files)):
            findings += invalid  # protoc's errors at file:line:column, not the registry's one line
            cases.append(Case(file.subject, f"{file.display}: does not compile"))
            continue
        references, unregistered = registry_references(project, file, all_files, client)
        if unregistered:
            findings += unregistered
            cases.append(Case(file.subject, f"{file.display}: a referenced schema is not registered"))
            continue
        verdict = client.test_compatibility(file.subject, schema_of(file, references), version=None)
        found = [reason_finding(message, file) for message in reasons(verdict.messages)]
        if verdict.is_compatible:
            cases.append(Case(file.subject, f"{file.display}: compatible with the registry"))
            continue
        cases.append(Case(file.subject, f"{file.display}: {refusal(verdict.messages, found)}"))
        findings += found or [
            ReportFinding(
                file=file.display, rule="INCOMPATIBLE", message="; ".join(verdict.messages), case=file.subject
            )
        ]
    return Report(tool=CHECK_TOOL, cases=tuple(cases), findings=tuple(findings))


def diff_files(
    old_path: Path,
    new_path: Path,
    *,
    level: CompatibilityLevel,
    schema_type: SchemaType,
    policy: CompatibilityPolicy = CompatibilityPolicy.STRICT,
    import_roots: Sequence[Path] = (),
    old_import_roots: Sequence[Path] = (),
    old_name: str = "",
) -> Report:
    """Whether `new_path` may follow `old_path` (reported as `old_name` when given) at `level` (JSON
    Schema: under `policy`; `.proto` imports are read from `import_roots`, for the old file from
    `old_import_roots`, by default each file's folder)."""
    old = old_name or display_path(old_path)
    case = f"{old} -> {display_path(new_path)}"
    new_text, old_text = new_path.read_text(encoding="utf-8"), old_path.read_text(encoding="utf-8")
    findings: list[ReportFinding] = []
    parsed: list[ParsedSchema] = []
    sides = ((old_path, old_text, old_import_roots, old), (new_path, new_text, import_roots, ""))
    for path, text, roots, name in sides:
        references: list[ResolvedReference] = []
        if schema_type is SchemaType.PROTOBUF:
            from registry.cli.proto.imports import resolved_imports

            references = resolved_imports(text, list(roots) or [path.resolve().parent])
        schema, problems = _parse(schema_type, text, references, name or display_path(path), case=case)
        findings += problems
        if schema is not None:
            parsed.append(schema)
    if len(parsed) < 2:
        return Report(tool=DIFF_TOOL, cases=(Case(case, "does not parse"),), findings=tuple(findings))
    result = check_compatibility(parsed[1], [PreviousVersion(1, parsed[0])], level=level, policy=policy)
    findings += result_findings(result, display_path(new_path), new_text, case=case, old=old)
    return Report(
        tool=DIFF_TOOL,
        cases=(Case(case, _verdict(result, old)),),
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


def _parse_file(
    file: SchemaFile, references: Sequence[ResolvedReference], *, case: str
) -> tuple[ParsedSchema | None, list[ReportFinding]]:
    return _parse(file.schema_type, file.text, references, file.display, case=case)


def _parse(
    schema_type: SchemaType, text: str, references: Sequence[ResolvedReference], display: str, *, case: str
) -> tuple[ParsedSchema | None, list[ReportFinding]]:
    try:
        return parse_schema(schema_type, text, references), []
    except InvalidSchemaError as error:
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
    except (InvalidSchemaError, CliError) as error:
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
