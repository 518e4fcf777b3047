"""`accord schema check --buf-category CATEGORY` and `accord schema diff --buf-category`: `.proto` files
judged by Buf's breaking categories instead of the subject's compatibility level, reported in Accord's
findings format (rule ids are Buf's), with the same exit codes. Other files are checked as usual."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from registry.cli.checks import Side
from registry.cli.errors import CliError
from registry.cli.git import original_path
from registry.cli.project import Project, SchemaFile, display_path
from registry.cli.proto.buf_rules import BufCategory, breaking_changes
from registry.cli.proto.buf_symbols import BufFinding, ProtoFile
from registry.cli.proto.findings import compile_findings, proto_position
from registry.cli.proto.imports import import_path, resolved_imports
from registry.compatibility import ResolvedReference, SchemaParseError, SchemaType
from registry.compatibility.reports import Case, Report, ReportFinding

CHECK_TOOL = "accord schema check"
DIFF_TOOL = "accord schema diff"


def category(value: str) -> BufCategory:
    """The category a user named (any case)."""
    try:
        return BufCategory(value.upper())
    except ValueError:
        known = ", ".join(member.value for member in BufCategory)
        raise CliError(f"unknown Buf category {value!r}; the categories are {known}") from None


def check_against_git(
    project: Project, files: Sequence[SchemaFile], old: Project | None, ref: str, category: BufCategory
) -> Report:
    """Each selected `.proto` file against the project's `.proto` files at `ref`, by `category`."""
    from registry.cli import checks

    others = [file for file in files if file.schema_type is not SchemaType.PROTOBUF]
    base = checks.check_against_git(project, others, old, ref) if others else Report(tool=CHECK_TOOL)
    old_protos: dict[str, ProtoFile] = {}
    if old is not None:
        old_all = old.schema_files(missing_ok=True)
        old_protos, old_problems = _compile(old, [f for f in old_all if f.schema_type is SchemaType.PROTOBUF])
        if old_problems:
            raise CliError(f"the .proto files at {ref} do not compile: {old_problems[0].message}")
    return judge(project, files, old_protos, f"the files at {ref}", category, base=base, old=old)


def judge(
    project: Project,
    files: Sequence[SchemaFile],
    old_protos: Mapping[str, ProtoFile],
    against: str,
    category: BufCategory,
    *,
    base: Report,
    old: Project | None = None,
) -> Report:
    """The selected `.proto` files against `old_protos` (by import path), added to the report `base` of
    the other files. Files deleted since are reported from the `old` project when it is known."""
    chosen = [file for file in files if file.schema_type is SchemaType.PROTOBUF]
    all_files = project.schema_files()
    new_protos, problems = _compile(project, [f for f in all_files if f.schema_type is SchemaType.PROTOBUF])
    by_name = {import_path(file.path, project.import_roots): file for file in chosen}
    everything = len(files) == len(all_files)
    found = [
        finding
        for finding in breaking_changes(old_protos, new_protos, category)
        if finding.file in by_name or (finding.in_old_file and everything)
    ]
    cases, findings = [], [p for p in problems if any(p.case == f.subject for f in chosen)]
    for name, file in by_name.items():
        mine = [
            _report_finding(finding, file)
            for finding in found
            if finding.file == name and not finding.in_old_file
        ]
        findings += mine
        if any(p.case == file.subject for p in problems):
            detail = "does not compile"
        elif name not in old_protos:
            detail = f"new, nothing in {against} to break"
        else:
            detail = _verdict(mine, against, category)
        cases.append(Case(file.subject, f"{file.display}: {detail}"))
    for finding in found:
        if finding.in_old_file and old is not None:
            gone = next(
                f
                for f in old.schema_files(missing_ok=True)
                if import_path(f.path, old.import_roots) == finding.file
            )
            shown = display_path(original_path(old, project, gone.path))
            findings.append(
                ReportFinding(file=shown, rule=finding.rule, message=finding.message, case=gone.subject)
            )
            cases.append(Case(gone.subject, f"deleted since {against}"))
    return Report(
        tool=CHECK_TOOL, cases=(*base.cases, *cases), findings=(*base.findings, *findings), notes=base.notes
    )


def diff_files(old: Side, new: Side, category: BufCategory) -> Report:
    """Two `.proto` files compared as one file's two versions, by `category`."""
    case = f"{old.display} -> {new.display}"
    sides: list[ProtoFile] = []
    findings: list[ReportFinding] = []
    for side in (old, new):
        references = resolved_imports(side.text, side.import_roots)
        compiled = compile_one(Path(new.file).name, side.text, references, side.file, case)
        if isinstance(compiled, list):
            findings += compiled
        else:
            sides.append(compiled)
    if len(sides) < 2:
        return Report(tool=DIFF_TOOL, cases=(Case(case, "does not compile"),), findings=tuple(findings))
    for finding in breaking_changes({sides[0].name: sides[0]}, {sides[1].name: sides[1]}, category):
        position = proto_position(new.text, finding.pointer) if finding.pointer else None
        findings.append(
            ReportFinding(
                file=new.file,
                line=position[0] if position else None,
                column=position[1] if position else None,
                rule=finding.rule,
                message=finding.message,
                case=case,
            )
        )
    verdict = _verdict(findings, old.display, category)
    return Report(tool=DIFF_TOOL, cases=(Case(case, verdict),), findings=tuple(findings))


def _compile(
    project: Project, files: Sequence[SchemaFile]
) -> tuple[dict[str, ProtoFile], list[ReportFinding]]:
    compiled: dict[str, ProtoFile] = {}
    problems: list[ReportFinding] = []
    all_files = project.schema_files(missing_ok=True)
    for file in files:
        name = import_path(file.path, project.import_roots)
        result = compile_one(
            name, file.text, project.resolve_references(file, all_files), file.display, file.subject
        )
        if isinstance(result, list):
            problems += result
        else:
            compiled[name] = result
    return compiled, problems


def compile_one(
    name: str, text: str, references: Sequence[ResolvedReference], display: str, case: str
) -> ProtoFile | list[ReportFinding]:
    """`text` compiled as the file imported by `name`, or protoc's findings."""
    from registry.compatibility.protobuf import parse_protobuf

    try:
        schema = parse_protobuf(text, references)
    except SchemaParseError as error:
        return compile_findings(error, text, display, case=case, imported={})
    return ProtoFile(name=name, proto=schema.descriptor_proto, descriptor=schema.file_descriptor)


def _report_finding(finding: BufFinding, file: SchemaFile) -> ReportFinding:
    position = proto_position(file.text, finding.pointer) if finding.pointer else None
    return ReportFinding(
        file=file.display,
        line=position[0] if position else None,
        column=position[1] if position else None,
        rule=finding.rule,
        message=finding.message,
        case=file.subject,
    )


def _verdict(findings: Sequence[ReportFinding], old: str, category: BufCategory) -> str:
    if not findings:
        return f"no breaking change from {old} (Buf category {category.value})"
    return f"{len(findings)} breaking change(s) from {old} (Buf category {category.value})"
