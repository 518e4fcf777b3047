"""Lint findings as the configuration wants them: each with its rule's severity for its file (or
dropped when the rule is off there), without those an inline comment ignores, sorted by file and line.

Defaults: every rule is an error except ACC002 (field-documented), a warning. `[lint] disable` turns a
rule off everywhere; `[lint.rules]` sets severities; `[[lint.overrides]]` set them for some paths.

Inline ignores, where the format has room for a comment: a JSON Schema `$comment`, or an Avro `doc`,
containing `accord:ignore ACC001` (several ids or names may follow, separated by spaces or commas)
ignores those rules' findings inside the object that carries it (a record, a field, a property); in a
`.proto` file, a `//` comment does, for its line or the declaration (message, enum) below it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import json_source_map
from json_source_map.errors import InvalidInputError

from registry.cli.conventions import RULES, RULES_BY_KEY
from registry.cli.errors import CliError
from registry.cli.lint_config import LintSeverity
from registry.cli.project import Project, SchemaFile
from registry.compatibility import SchemaType
from registry.compatibility.reports import Case, Report, ReportFinding, Severity

DEFAULT_SEVERITIES = {rule.id: LintSeverity.ERROR for rule in RULES} | {"ACC002": LintSeverity.WARNING}
_IGNORE = re.compile(r"accord:ignore((?:[\s,]+(?:ACC\d+|[a-z]+(?:-[a-z]+)+))+)")
_SEVERITIES = {LintSeverity.ERROR: Severity.ERROR, LintSeverity.WARNING: Severity.WARNING}


def severities(project: Project, file: SchemaFile) -> dict[str, LintSeverity]:
    """Each rule's severity for `file`: defaults, then `disable`, `[lint.rules]`, matching overrides."""
    lint = project.config.lint
    chosen = dict(DEFAULT_SEVERITIES)
    chosen |= {_rule_id(key, "[lint] disable"): LintSeverity.OFF for key in lint.disable}
    chosen |= {_rule_id(key, "[lint.rules]"): value for key, value in lint.rules.items()}
    relative = file.path.relative_to(project.root).as_posix()
    for number, override in enumerate(lint.overrides, start=1):
        if any(_matches(relative, pattern) for pattern in override.paths):
            where = f"[[lint.overrides]] {number}"
            chosen |= {_rule_id(key, where): value for key, value in override.rules.items()}
    return chosen


def configured(project: Project, files: Sequence[SchemaFile], report: Report) -> Report:
    """`report` with the configured severities and inline ignores applied, findings sorted."""
    by_display = {file.display: file for file in files}
    ignores = {file.display: _ignores(file) for file in files}
    levels = {file.display: severities(project, file) for file in files}
    kept: list[ReportFinding] = []
    for finding in report.findings:
        file = by_display.get(finding.file)
        level = levels[finding.file].get(finding.rule) if file is not None else None
        if level is None:  # not a lint rule (a file that does not parse): as it is
            kept.append(finding)
        elif level is not LintSeverity.OFF and not _ignored(finding, ignores[finding.file]):
            kept.append(replace(finding, severity=_SEVERITIES[level]))
    kept.sort(key=lambda finding: (finding.file, finding.line or 0, finding.column or 0, finding.rule))
    counts = {display: sum(1 for finding in kept if finding.file == display) for display in by_display}
    subjects = {file.subject: file.display for file in files}
    cases = tuple(
        Case(case.name, f"{subjects[case.name]}: {counts[subjects[case.name]]} finding(s)")
        if case.name in subjects and counts[subjects[case.name]]
        else Case(case.name, subjects.get(case.name, case.detail))
        for case in report.cases
    )
    return replace(report, cases=cases, findings=tuple(kept))


def _rule_id(key: str, where: str) -> str:
    rule = RULES_BY_KEY.get(key)
    if rule is None:
        known = ", ".join(f"{rule.id} ({rule.name})" for rule in RULES)
        raise CliError(f"{where} names an unknown rule {key!r}; the rules are {known}")
    return rule.id


def _matches(relative: str, pattern: str) -> bool:
    pattern = pattern.removeprefix("./").rstrip("/")
    return fnmatch.fnmatchcase(relative, pattern) or relative.startswith(f"{pattern}/")


def _ignored(finding: ReportFinding, spans: Sequence[tuple[int, int, frozenset[str]]]) -> bool:
    line = finding.line or 1
    return any(first <= line <= last and finding.rule in ids for first, last, ids in spans)


def _ignores(file: SchemaFile) -> list[tuple[int, int, frozenset[str]]]:
    """(first line, last line, rule ids) of each object whose comment ignores rules."""
    if file.schema_type is SchemaType.PROTOBUF:
        from registry.cli.proto.lint import comment_ignores

        where = f"{file.display}: accord:ignore"
        return comment_ignores(
            file, _IGNORE, lambda names: frozenset(_rule_id(name, where) for name in _names(names))
        )
    try:
        document = json.loads(file.text)
        source_map = json_source_map.calculate(file.text)
    except (ValueError, InvalidInputError):
        return []
    key = "doc" if file.schema_type is SchemaType.AVRO else "$comment"
    spans = []
    for pointer, node in _objects(document, ""):
        comment = node.get(key)
        match = _IGNORE.search(comment) if isinstance(comment, str) else None
        entry = source_map.get(pointer)
        if match is None or entry is None:
            continue
        ids = frozenset(_rule_id(name, f"{file.display}: accord:ignore") for name in _names(match.group(1)))
        spans.append((entry.value_start.line + 1, entry.value_end.line + 1, ids))
    return spans


def _names(text: str) -> Iterator[str]:
    return (name for name in re.split(r"[\s,]+", text) if name)


def _objects(node: Any, pointer: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, dict):
        yield pointer, node
        for name, child in node.items():
            yield from _objects(child, f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _objects(child, f"{pointer}/{index}")
