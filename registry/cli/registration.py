"""`accord schema register`: put the project's schema files into the registry, idempotently.

Everything is planned first (lookup, compatibility check, level) and nothing is registered unless
every file passes; files another file refers to are registered first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from client import RegistryClient, RegistryResponseError, SchemaNotFoundError
from registry.cli import subject_settings
from registry.cli.checks import registry_references, schema_of, unusable
from registry.cli.errors import CliError
from registry.cli.judging import RegistrySettings, declared_settings, judge, parse_file
from registry.cli.project import Project, SchemaFile
from registry.compatibility.reports import Case, Report, ReportFinding

REGISTER_TOOL = "accord schema register"
_INCOMPATIBLE = 409


# The settings a file may declare, by their API names, and as messages call them.
_SETTING_NAMES = {
    "compatibilityLevel": "compatibility",
    "compatibilityPolicy": "policy",
    "normalize": "normalize",
}


@dataclass(frozen=True, slots=True)
class _Plan:
    file: SchemaFile
    register: bool
    settings: dict[str, object]  # declared settings the subject does not have yet
    detail: str


def register_files(
    project: Project, files: Sequence[SchemaFile], client: RegistryClient, *, dry_run: bool
) -> Report:
    """Register every file that is not registered yet (and apply declared levels and policies), or with
    `dry_run` only say what would be done."""
    all_files = project.schema_files()
    ordered = dependency_order(project, files, all_files)
    plans, findings = _plan(project, ordered, all_files, client)
    if findings or dry_run:
        cases = tuple(Case(plan.file.subject, _dry(plan) if dry_run else plan.detail) for plan in plans)
        return Report(tool=REGISTER_TOOL, cases=cases, findings=tuple(findings))
    applied: list[Case] = []
    for position, plan in enumerate(plans):
        try:
            applied.append(Case(plan.file.subject, _apply(project, plan, all_files, client)))
        except RegistryResponseError as error:
            if error.status != _INCOMPATIBLE:
                raise
            # Another writer registered in between, and the registry now refuses this file.
            rejected = ReportFinding(
                file=plan.file.display, rule="INCOMPATIBLE", message=error.message, case=plan.file.subject
            )
            skipped = [
                Case(later.file.subject, "not registered: an earlier file was rejected")
                for later in plans[position + 1 :]
            ]
            applied += [Case(plan.file.subject, "rejected by the registry"), *skipped]
            return Report(tool=REGISTER_TOOL, cases=tuple(applied), findings=(rejected,))
    return Report(tool=REGISTER_TOOL, cases=tuple(applied))


def dependency_order(
    project: Project, files: Sequence[SchemaFile], all_files: Sequence[SchemaFile]
) -> list[SchemaFile]:
    """`files`, each after the files of the selection it refers to."""
    selected = {file.path: file for file in files}
    ordered: dict[object, SchemaFile] = {}

    def visit(file: SchemaFile, chain: tuple[SchemaFile, ...]) -> None:
        if file.path in ordered:
            return
        for reference in file.references:
            target = project.reference_target(reference, all_files)
            if target is None or target.path not in selected:
                continue
            if target in chain:
                raise CliError(f"{file.display}: references form a cycle through {target.display}")
            visit(target, (*chain, target))
        ordered[file.path] = file

    for file in files:
        visit(file, (file,))
    return list(ordered.values())


def _plan(
    project: Project, files: Sequence[SchemaFile], all_files: Sequence[SchemaFile], client: RegistryClient
) -> tuple[list[_Plan], list[ReportFinding]]:
    plans: list[_Plan] = []
    findings: list[ReportFinding] = []
    new_paths = set()
    registry_settings = RegistrySettings(client)
    for file in files:
        parsed, problems = parse_file(project, file, all_files, client)
        if parsed is None:
            findings += problems
            plans.append(_Plan(file, False, {}, f"{file.display}: {unusable(problems)}"))
            continue
        declared = declared_settings(file)
        own = registry_settings.own(file.subject) if declared else {}
        settings = {key: value for key, value in declared.items() if own.get(key) != value}
        waits_for = [
            target
            for reference in file.references
            if (target := project.reference_target(reference, all_files)) is not None
            and target.path in new_paths
        ]
        references = None
        if not waits_for:  # else its references are registered by this run: it is judged here
            references, problems = registry_references(project, file, all_files, client)
            if problems:
                findings += problems
                plans.append(_Plan(file, False, {}, f"{file.display}: a referenced schema is not registered"))
                continue
            try:
                registered = subject_settings.lookup(client, file, schema_of(file, references))
            except SchemaNotFoundError:
                pass
            else:
                detail = (
                    f"{file.display}: already registered as version {registered.version} "
                    f"(id {registered.schema_id})"
                )
                plans.append(_Plan(file, False, settings, detail))
                continue
        verdict = judge(file, parsed, references, client, registry_settings)
        if not verdict.compatible:
            findings += verdict.findings
            plans.append(_Plan(file, False, {}, f"{file.display}: {verdict.detail}"))
            continue
        new_paths.add(file.path)
        plans.append(_Plan(file, True, settings, f"{file.display}: {verdict.detail}, new version"))
    return plans, findings


def _apply(project: Project, plan: _Plan, all_files: Sequence[SchemaFile], client: RegistryClient) -> str:
    """Set the declared settings and register, as one step: when the registration fails, the subject's
    settings are put back as they were."""
    file = plan.file
    done = []
    before = client.get_config(file.subject) if plan.settings else None
    if plan.settings:
        client.update_config(plan.settings, file.subject)
        done += [f"{_SETTING_NAMES[key]} set to {value}" for key, value in plan.settings.items()]
    if plan.register:
        try:
            references, problems = registry_references(project, file, all_files, client)
            if problems:
                raise CliError(problems[0].message)
            registered = subject_settings.register(client, file, schema_of(file, references))
        except Exception:
            if plan.settings:
                _restore(client, file.subject, before, plan.settings)
            raise
        done.append(f"registered as version {registered.version} (id {registered.schema_id})")
    return f"{file.display}: {', '.join(done)}" if done else plan.detail


def _restore(
    client: RegistryClient, subject: str, before: dict[str, object] | None, changed: dict[str, object]
) -> None:
    if before is None or not set(changed) <= set(before):
        client.delete_config(subject)  # the subject had none of its own (or not of every changed key)
    if before:
        client.update_config(before, subject)


def _dry(plan: _Plan) -> str:
    actions = [f"would set {_SETTING_NAMES[key]} to {value}" for key, value in plan.settings.items()]
    if plan.register:
        actions.append("would register a new version")
    return f"{plan.detail}; {', '.join(actions)}" if actions else plan.detail


def latest_versions(files: Sequence[SchemaFile], client: RegistryClient) -> dict[str, SchemaFile]:
    """The latest registered version of each file's subject, as a file (subjects not registered yet
    are left out)."""
    latest = {}
    for file in files:
        try:
            registered = client.get_latest_version(file.subject)
        except SchemaNotFoundError:
            continue
        latest[file.subject] = replace(file, text=registered.schema.schema_str)
    return latest
