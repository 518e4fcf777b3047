"""One verdict for a file against the registry, whichever command asks (`check`, `register --dry-run`,
`register`): every file is parsed first, and the level it is judged by is the effective one: the
config's (the subject's own, else the top-level one), else the registry's.

When the config's level and policy are what the registry already has, the registry's compatibility
endpoint judges (verbose reasons, and consumer expectations). When they differ, the file is judged
here, by the same compatibility kernel, against the versions the registry holds, at the configured
level; the endpoint then only adds what consumers' expectations refuse. So nothing on the registry
has to change before a check, and a dry run predicts the registration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from client import SchemaNotFoundError
from registry.cli import subject_settings
from registry.cli.checks import (
    BROKEN_EXPECTATION,
    CHECK_TOOL,
    parse_text,
    reason_finding,
    reasons,
    refusal,
    registry_references,
    result_findings,
    schema_of,
    unusable,
)
from registry.cli.errors import CliError
from registry.cli.project import Project, SchemaFile
from registry.compatibility import (
    CompatibilityLevel,
    CompatibilityPolicy,
    ParsedSchema,
    PreviousVersion,
    ResolvedReference,
    SchemaType,
    check_compatibility,
    parse_schema,
)
from registry.compatibility.reports import Case, Report, ReportFinding

if TYPE_CHECKING:
    from client import RegistryClient, SchemaReference


@dataclass(slots=True)
class Verdict:
    """What the registry would answer to registering the file, and why."""

    compatible: bool
    detail: str
    findings: list[ReportFinding] = field(default_factory=list)


def parse_file(
    project: Project, file: SchemaFile, all_files: Sequence[SchemaFile], client: RegistryClient | None
) -> tuple[ParsedSchema | None, list[ReportFinding]]:
    """The file parsed with its references (project files, or registry subjects when a client is
    given); an invalid file, or a reference that cannot be found, is a finding that names the file."""
    references, problems = resolve_references(project, file, all_files, client)
    if problems:
        return None, problems
    return parse_text(file.schema_type, file.text, references, file.display, case=file.subject)


def resolve_references(
    project: Project, file: SchemaFile, all_files: Sequence[SchemaFile], client: RegistryClient | None
) -> tuple[list[ResolvedReference], list[ReportFinding]]:
    """The texts of the schemas the file refers to, dependencies first."""
    resolved: dict[str, ResolvedReference] = {}
    problems: list[ReportFinding] = []

    def missing(message: str) -> None:
        problems.append(
            ReportFinding(file=file.display, rule="REFERENCE_NOT_FOUND", message=message, case=file.subject)
        )

    def visit(current: SchemaFile, chain: tuple[str, ...]) -> None:
        for reference in current.references:
            if reference.path is None:
                assert reference.subject is not None
                assert reference.version is not None
                if client is None:
                    raise CliError(
                        f"{current.display}: reference {reference.name!r} names only a registry subject; "
                        "give its `path` so that checks without a registry can read it"
                    )
                try:
                    registered = client.get_version(reference.subject, reference.version)
                except SchemaNotFoundError:
                    missing(
                        f"reference {reference.name!r} names {reference.subject} version "
                        f"{reference.version}, which the registry does not have"
                    )
                    continue
                add_registered(registered.schema.references, client, resolved)
                resolved.setdefault(
                    reference.name,
                    ResolvedReference(
                        reference.name,
                        reference.subject,
                        reference.version,
                        SchemaType(registered.schema.schema_type),
                        registered.schema.schema_str,
                    ),
                )
                continue
            target = project.reference_target(reference, all_files)
            if target is None:
                missing(
                    f"reference {reference.name!r} points at {reference.path}, which is not a schema file of "
                    f"{project.config_path.name} (no such file, or no [[schemas]] entry maps it)"
                )
                continue
            if target.display in chain:
                raise CliError(f"{current.display}: references form a cycle through {target.display}")
            visit(target, (*chain, target.display))
            resolved.setdefault(
                reference.name,
                ResolvedReference(reference.name, target.subject, 0, target.schema_type, target.text),
            )

    visit(file, (file.display,))
    return list(resolved.values()), problems


def add_registered(
    references: Sequence[SchemaReference], client: RegistryClient, resolved: dict[str, ResolvedReference]
) -> None:
    """Resolve registered references (and theirs) into `resolved`, dependencies first."""
    for reference in references:
        if reference.name in resolved:
            continue
        registered = client.get_version(reference.subject, reference.version)
        add_registered(registered.schema.references, client, resolved)
        resolved[reference.name] = ResolvedReference(
            reference.name,
            reference.subject,
            reference.version,
            SchemaType(registered.schema.schema_type),
            registered.schema.schema_str,
        )


class RegistrySettings:
    """The level and policy the registry has for each subject (its own, else the global ones)."""

    def __init__(self, client: RegistryClient) -> None:
        self._client = client
        self._global: dict[str, Any] | None = None

    def own(self, subject: str) -> dict[str, Any]:
        return self._client.get_config(subject) or {}

    def effective(self, subject: str) -> tuple[CompatibilityLevel, CompatibilityPolicy]:
        if self._global is None:
            self._global = self._client.get_config() or {}
        merged = {**self._global, **self.own(subject)}
        return (
            CompatibilityLevel(merged.get("compatibilityLevel", CompatibilityLevel.BACKWARD.value)),
            CompatibilityPolicy(merged.get("compatibilityPolicy", CompatibilityPolicy.STRICT.value)),
        )


def declared_settings(file: SchemaFile) -> dict[str, object]:
    """The settings the config gives the file's subject, by their API names."""
    declared: dict[str, object] = {}
    if file.compatibility is not None:
        declared["compatibilityLevel"] = file.compatibility.value
    if file.policy is not None:
        declared["compatibilityPolicy"] = file.policy.value
    if file.normalize is not None:
        declared["normalize"] = file.normalize
    return declared


def judge(
    file: SchemaFile,
    parsed: ParsedSchema,
    references: Sequence[SchemaReference] | None,
    client: RegistryClient,
    settings: RegistrySettings,
) -> Verdict:
    """Whether registering the file would be accepted, at its effective level (see the module).

    `references` is None when the files it refers to are registered only by this run: the registry
    cannot take the file before that, so it is judged here."""
    registry_level, registry_policy = settings.effective(file.subject)
    level, policy = file.compatibility or registry_level, file.policy or registry_policy
    if file.schema_type is not SchemaType.JSON:
        policy = registry_policy  # the policy judges JSON Schema only
    if references is not None and (level, policy) == (registry_level, registry_policy):
        answer = client.test_compatibility(file.subject, schema_of(file, references), version=None)
        found = [reason_finding(message, file) for message in reasons(answer.messages)]
        if answer.is_compatible:
            return Verdict(True, f"compatible with the registry ({level.value})")
        fallback = ReportFinding(
            file=file.display, rule="INCOMPATIBLE", message="; ".join(answer.messages), case=file.subject
        )
        return Verdict(False, refusal(answer.messages, found), found or [fallback])
    findings = []
    if references is not None:  # what consumers' published expectations refuse, whatever the level
        answer = client.test_compatibility(file.subject, schema_of(file, references), version=None)
        findings = [
            finding
            for finding in (reason_finding(message, file) for message in reasons(answer.messages))
            if finding.rule == BROKEN_EXPECTATION
        ]
    return _judge_here(file, parsed, client, level, policy, findings)


def _judge_here(
    file: SchemaFile,
    parsed: ParsedSchema,
    client: RegistryClient,
    level: CompatibilityLevel,
    policy: CompatibilityPolicy,
    findings: list[ReportFinding],
) -> Verdict:
    previous = registered_versions(file.subject, client, transitive=level.is_transitive)
    result = check_compatibility(parsed, previous, level=level, policy=policy)
    findings += result_findings(
        result, file.display, file.text, case=file.subject, old="the registered version"
    )
    if findings:
        what = "refused by consumer expectations" if result.is_compatible else "not compatible"
        return Verdict(False, f"{what} with the registry at {level.value} (the configured level)", findings)
    return Verdict(True, f"compatible with the registry at {level.value} (the configured level)")


def registered_versions(subject: str, client: RegistryClient, *, transitive: bool) -> list[PreviousVersion]:
    """The subject's live versions (the latest only unless `transitive`), parsed, oldest first."""
    try:
        numbers = client.list_versions(subject)
    except SchemaNotFoundError:
        return []
    previous = []
    for number in numbers if transitive else numbers[-1:]:
        registered = client.get_version(subject, number)
        schema = registered.schema
        resolved: dict[str, ResolvedReference] = {}
        add_registered(schema.references, client, resolved)
        parsed = parse_schema(SchemaType(schema.schema_type), schema.schema_str, list(resolved.values()))
        previous.append(PreviousVersion(number, parsed))
    return previous


def check_against_registry(project: Project, files: Sequence[SchemaFile], client: RegistryClient) -> Report:
    """Each file as registering it would be judged (see the module)."""
    all_files = project.schema_files()
    settings = RegistrySettings(client)
    cases: list[Case] = []
    findings: list[ReportFinding] = []
    for file in files:
        parsed, problems = parse_file(project, file, all_files, client)
        if parsed is None:
            findings += problems
            cases.append(Case(file.subject, f"{file.display}: {unusable(problems)}"))
            continue
        references, unregistered = registry_references(project, file, all_files, client)
        if unregistered:
            findings += unregistered
            cases.append(Case(file.subject, f"{file.display}: a referenced schema is not registered"))
            continue
        try:  # registering it again is a no-op that the registry accepts, as `register` says
            registered = subject_settings.lookup(client, file, schema_of(file, references))
        except SchemaNotFoundError:
            pass
        else:
            cases.append(
                Case(file.subject, f"{file.display}: already registered as version {registered.version}")
            )
            continue
        verdict = judge(file, parsed, references, client, settings)
        findings += verdict.findings
        cases.append(Case(file.subject, f"{file.display}: {verdict.detail}"))
    return Report(tool=CHECK_TOOL, cases=tuple(cases), findings=tuple(findings))
