"""Findings of a CI check, rendered for a person (text) or a machine (json, junit, github, gitlab).

Pure: no web framework, no database. The schema commands of the CLI and the contract harness both
report through it, so every check reads the same way in a terminal and in a CI log.

A `Report` holds the cases that were checked (so JUnit can count passes too) and the findings;
`render(report, format)` returns the text to print.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: only errors fail the check."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class OutputFormat(StrEnum):
    """The `--format` choices of every checking command."""

    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    GITLAB = "gitlab"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFinding:
    """One problem: where it is (file, 1-based line and column when known), which rule or
    incompatibility type found it, and what to do about it.

    `case` is the checked item it belongs to (a subject, a consumer...); it defaults to `file`.
    """

    file: str
    message: str
    rule: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    column: int | None = None
    case: str | None = None

    @property
    def case_name(self) -> str:
        return self.case or self.file

    @property
    def location(self) -> str:
        """`file:line:column`, with as much as is known."""
        parts = [self.file, *(str(number) for number in (self.line, self.column) if number is not None)]
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Case:
    """One item that was checked, with a short line about its outcome ("compatible with version 3")."""

    name: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """What one command checked and found. `tool` names the command ("accord schema check")."""

    tool: str
    cases: tuple[Case, ...] = ()
    findings: tuple[ReportFinding, ...] = ()
    notes: tuple[str, ...] = field(default=())  # said once in text output, e.g. a rule that was skipped

    @property
    def errors(self) -> list[ReportFinding]:
        return [finding for finding in self.findings if finding.severity is Severity.ERROR]

    @property
    def passed(self) -> bool:
        return not self.errors

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def findings_of(self, case: str) -> list[ReportFinding]:
        return [finding for finding in self.findings if finding.case_name == case]


def locate(text: str, pointer: str) -> tuple[int, int] | None:
    """The 1-based (line, column) in JSON `text` of what `pointer` ("#/fields/2/type") names.

    When the pointer goes deeper than the document (it names something that was removed), the
    deepest part that exists is used. Points at the key when there is one, so an annotation lands on
    the field's own line. None when `text` is not JSON.
    """
    import json_source_map  # imported on first use: the CLI's start-up matters
    import json_source_map.errors

    try:
        source_map = json_source_map.calculate(text)
    except json_source_map.errors.InvalidInputError:
        return None
    parts = [part for part in pointer.removeprefix("#").split("/") if part]
    while True:
        entry = source_map.get("".join(f"/{part}" for part in parts))
        if entry is not None:
            start = entry.key_start or entry.value_start
            return start.line + 1, start.column + 1
        if not parts:
            return None
        parts.pop()


def finding_at(
    text: str,
    pointer: str | None,
    *,
    file: str,
    rule: str,
    message: str,
    case: str | None = None,
    severity: Severity = Severity.ERROR,
) -> ReportFinding:
    """A finding on the line of JSON `text` that `pointer` names (on the file when it names none)."""
    position = locate(text, pointer) if pointer else None
    return ReportFinding(
        file=file,
        line=position[0] if position else None,
        column=position[1] if position else None,
        rule=rule,
        message=message,
        case=case,
        severity=severity,
    )


def render(report: Report, output_format: OutputFormat, *, color: bool = False) -> str:
    """The report as text for a terminal or CI log, JSON, JUnit XML, GitHub workflow commands or a
    GitLab code-quality report."""
    renderers = {
        OutputFormat.TEXT: lambda: render_text(report, color=color),
        OutputFormat.JSON: lambda: render_json(report),
        OutputFormat.JUNIT: lambda: render_junit(report),
        OutputFormat.GITHUB: lambda: render_github(report),
        OutputFormat.GITLAB: lambda: render_gitlab(report),
    }
    return renderers[output_format]()


_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def render_text(report: Report, *, color: bool = False) -> str:
    """Findings grouped by case, each case's outcome, and a closing summary line."""
    if not color:  # plain text needs no rich, which is slow to import
        return "".join(f"{line}\n" for line in _text_lines(report, lambda text: text, styled=False))
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, soft_wrap=True)
    for line in _text_lines(report, escape, styled=True):
        console.print(line)
    return buffer.getvalue()


def _text_lines(report: Report, escape: Callable[[str], str], *, styled: bool) -> Iterator[str]:
    """The lines of the text report, in rich's markup when `styled` (`escape` protects the content)."""

    def style(markup: str, text: str) -> str:
        return f"[{markup}]{text}[/]" if styled else text

    def finding_line(finding: ReportFinding, indent: str) -> str:
        return (
            f"{indent}{style(_STYLES[finding.severity], finding.severity.value)} "
            f"{style('bold', escape(finding.rule))} {escape(finding.location)}: {escape(finding.message)}"
        )

    for case in report.cases:
        found = report.findings_of(case.name)
        failed = any(finding.severity is Severity.ERROR for finding in found)
        mark = style("bold red", "✗") if failed else style("green", "✓")
        detail = f" {style('dim', escape(case.detail))}" if case.detail else ""
        yield f"{mark} {escape(case.name)}{detail}"
        for finding in found:
            yield finding_line(finding, "    ")
    named = {case.name for case in report.cases}
    for finding in report.findings:
        if finding.case_name not in named:
            yield finding_line(finding, "")
    for note in report.notes:
        yield style("dim", escape(note))
    yield style("bold green" if report.passed else "bold red", _summary(report))


def _summary(report: Report) -> str:
    counts = [
        _plural(report.count(severity), severity.value)
        for severity in Severity
        if report.count(severity) or severity is Severity.ERROR
    ]
    checked = _plural(len(report.cases), "item")
    verdict = "passed" if report.passed else "failed"
    return f"{report.tool}: {verdict}, {', '.join(counts)} ({checked} checked)"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_json(report: Report) -> str:
    """A stable JSON document: passed, summary counts, cases and findings (null when unknown)."""
    document = {
        "tool": report.tool,
        "passed": report.passed,
        "summary": {severity.value + "s": report.count(severity) for severity in Severity},
        "cases": [{"name": case.name, "detail": case.detail} for case in report.cases],
        "findings": [
            {
                "file": finding.file,
                "line": finding.line,
                "column": finding.column,
                "rule": finding.rule,
                "severity": finding.severity.value,
                "message": finding.message,
                "case": finding.case_name,
            }
            for finding in report.findings
        ],
        "notes": list(report.notes),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_junit(report: Report) -> str:
    """JUnit XML: one test case per checked case; its error findings are failures, the others go to
    system-out. Findings outside every case get a test case of their own."""
    from xml.etree import ElementTree

    names = list(dict.fromkeys([case.name for case in report.cases] + [f.case_name for f in report.findings]))
    suite = ElementTree.Element(
        "testsuite",
        name=report.tool,
        tests=str(len(names)),
        failures=str(sum(1 for name in names if _errors(report.findings_of(name)))),
        errors="0",
        skipped="0",
    )
    for name in names:
        found = report.findings_of(name)
        testcase = ElementTree.SubElement(suite, "testcase", classname=report.tool, name=_xml_text(name))
        for finding in _errors(found):
            failure = ElementTree.SubElement(
                testcase,
                "failure",
                type=_xml_text(finding.rule),
                message=_xml_text(f"{finding.location}: {finding.message}"),
            )
            failure.text = _xml_text(f"{finding.location}: {finding.rule}: {finding.message}")
        others = [finding for finding in found if finding.severity is not Severity.ERROR]
        if others:
            output = ElementTree.SubElement(testcase, "system-out")
            output.text = _xml_text(
                "\n".join(f"{f.severity.value} {f.rule} {f.location}: {f.message}" for f in others)
            )
    suites = ElementTree.Element("testsuites", name=report.tool)
    suites.append(suite)
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


# Characters XML 1.0 cannot carry at all, even escaped; a schema or message may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _errors(findings: Iterable[ReportFinding]) -> list[ReportFinding]:
    return [finding for finding in findings if finding.severity is Severity.ERROR]


_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=RULE::message`), which
    GitHub shows as annotations on the lines of the pull request."""
    lines = []
    for finding in report.findings:
        properties = [f"file={_github_property(finding.file)}"]
        if finding.line is not None:
            properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
        properties.append(f"title={_github_property(finding.rule)}")
        command = _GITHUB_COMMANDS[finding.severity]
        lines.append(f"::{command} {','.join(properties)}::{_github_data(finding.message)}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


_GITLAB_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def render_gitlab(report: Report) -> str:
    """GitLab's code-quality report (a JSON array), which GitLab shows in the merge request widget.

    The fingerprint leaves the line out, so a finding keeps its identity when lines above it move.
    """
    issues = [
        {
            "description": f"{finding.rule}: {finding.message}",
            "check_name": finding.rule,
            "fingerprint": _fingerprint(finding),
            "severity": _GITLAB_SEVERITIES[finding.severity],
            "location": {"path": finding.file, "lines": {"begin": finding.line or 1}},
        }
        for finding in report.findings
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(finding: ReportFinding) -> str:
    identity = "\0".join((finding.file, finding.rule, finding.case_name, finding.message))
    import hashlib

    return hashlib.sha256(identity.encode()).hexdigest()[:32]
