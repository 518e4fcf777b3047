"""CI report formats: what each renders for cases that pass, errors, warnings, and hostile text."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.compatibility.reports import Case, OutputFormat, Report, ReportFinding, Severity, locate, render

SCHEMA = """{
  "type": "record",
  "name": "OrderCreated",
  "fields": [
    {"name": "id", "type": "string"},
    {
      "name": "total",
      "type": "int"
    }
  ]
}
"""

REPORT = Report(
    tool="accord schema check",
    cases=(Case("orders-value", "compatible with version 3"), Case("payments-value", "not compatible")),
    findings=(
        ReportFinding(
            file="schemas/payment.avsc",
            line=7,
            column=7,
            rule="TYPE_MISMATCH",
            message="reader type: string not compatible with writer type: int",
            case="payments-value",
        ),
        ReportFinding(
            file="schemas/payment.avsc",
            rule="ACC002",
            severity=Severity.WARNING,
            message="field 'id' has no doc",
            case="payments-value",
        ),
    ),
)


def test_text_shows_each_case_its_findings_and_a_summary():
    text = render(REPORT, OutputFormat.TEXT)

    assert "✓ orders-value compatible with version 3" in text
    assert "✗ payments-value not compatible" in text
    assert (
        "error TYPE_MISMATCH schemas/payment.avsc:7:7: reader type: string not compatible with writer "
        "type: int" in text
    )
    assert "warning ACC002 schemas/payment.avsc: field 'id' has no doc" in text
    assert text.rstrip().endswith("accord schema check: failed, 1 error, 1 warning (2 items checked)")
    assert "\x1b[" not in text


def test_text_without_errors_passes_and_keeps_markup_literal():
    report = Report(tool="accord schema lint", cases=(Case("[bold]odd[/] name"),))

    text = render(report, OutputFormat.TEXT)

    assert "✓ [bold]odd[/] name" in text
    assert text.rstrip().endswith("accord schema lint: passed, 0 errors (1 item checked)")


def test_text_in_color_uses_ansi_styles():
    assert "\x1b[" in render(REPORT, OutputFormat.TEXT, color=True)


def test_json_carries_every_field_and_the_verdict():
    document = json.loads(render(REPORT, OutputFormat.JSON))

    assert document["passed"] is False
    assert document["summary"] == {"errors": 1, "warnings": 1, "notes": 0}
    assert document["cases"][0] == {"name": "orders-value", "detail": "compatible with version 3"}
    assert document["findings"][0] == {
        "file": "schemas/payment.avsc",
        "line": 7,
        "column": 7,
        "rule": "TYPE_MISMATCH",
        "severity": "error",
        "message": "reader type: string not compatible with writer type: int",
        "case": "payments-value",
    }
    assert document["findings"][1]["line"] is None


def test_junit_has_one_testcase_per_case_and_errors_as_failures():
    root = ElementTree.fromstring(render(REPORT, OutputFormat.JUNIT))
    suite = root.find("testsuite")

    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["orders-value"].find("failure") is None
    failure = cases["payments-value"].find("failure")
    assert failure is not None
    assert failure.get("type") == "TYPE_MISMATCH"
    assert failure.get("message", "").startswith("schemas/payment.avsc:7:7: reader type")
    assert "ACC002" in (cases["payments-value"].findtext("system-out") or "")


def test_junit_gives_findings_outside_every_case_their_own_testcase():
    report = Report(tool="t", findings=(ReportFinding(file="accord.toml", rule="CONFIG", message="bad"),))

    suite = ElementTree.fromstring(render(report, OutputFormat.JUNIT)).find("testsuite")

    assert suite is not None
    assert [case.get("name") for case in suite.iter("testcase")] == ["accord.toml"]
    assert suite.get("failures") == "1"


def test_github_annotations_point_at_file_line_and_column():
    lines = render(REPORT, OutputFormat.GITHUB).splitlines()

    assert lines[0] == (
        "::error file=schemas/payment.avsc,line=7,col=7,title=TYPE_MISMATCH::"
        "reader type: string not compatible with writer type: int"
    )
    assert lines[1] == "::warning file=schemas/payment.avsc,title=ACC002::field 'id' has no doc"
    assert lines[2].startswith("accord schema check: failed")


def test_github_escapes_what_would_end_the_command():
    finding = ReportFinding(
        file="a,b:c.avsc", rule="R", message="50% done\nnext line", severity=Severity.NOTE
    )

    line = render(Report(tool="t", findings=(finding,)), OutputFormat.GITHUB).splitlines()[0]

    assert line == "::notice file=a%2Cb%3Ac.avsc,title=R::50%25 done%0Anext line"


def test_gitlab_code_quality_issues():
    issues = json.loads(render(REPORT, OutputFormat.GITLAB))

    assert [issue["severity"] for issue in issues] == ["major", "minor"]
    assert issues[0]["check_name"] == "TYPE_MISMATCH"
    assert issues[0]["location"] == {"path": "schemas/payment.avsc", "lines": {"begin": 7}}
    assert issues[1]["location"]["lines"] == {"begin": 1}
    assert issues[0]["description"].startswith("TYPE_MISMATCH: reader type")
    assert len({issue["fingerprint"] for issue in issues}) == 2


def test_gitlab_fingerprint_ignores_the_line():
    moved = ReportFinding(file="f", rule="R", message="m", line=3)

    first = json.loads(render(Report(tool="t", findings=(moved,)), OutputFormat.GITLAB))
    second = json.loads(
        render(
            Report(tool="t", findings=(ReportFinding(file="f", rule="R", message="m", line=9),)),
            OutputFormat.GITLAB,
        )
    )

    assert first[0]["fingerprint"] == second[0]["fingerprint"]


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("#/", (1, 1)),
        ("#/name", (3, 3)),
        ("#/fields/1/type", (8, 7)),
        ("#/fields/1", (6, 5)),
        ("#/fields/1/type/items/0", (8, 7)),  # deeper than the document: its deepest existing part
        ("#/fields/9", (4, 3)),
    ],
)
def test_locate_finds_the_line_of_a_json_pointer(pointer, expected):
    assert locate(SCHEMA, pointer) == expected


def test_locate_gives_up_on_text_that_is_not_json():
    assert locate("{not json", "#/fields") is None


@given(st.text(), st.text())
def test_every_format_renders_any_text(rule, message):
    finding = ReportFinding(file="f.json", rule=rule or "R", message=message, line=1)
    report = Report(tool="t", cases=(Case(message),), findings=(finding,))

    assert ElementTree.fromstring(render(report, OutputFormat.JUNIT)).find("testsuite") is not None
    assert json.loads(render(report, OutputFormat.JSON))["findings"][0]["message"] == message
    assert json.loads(render(report, OutputFormat.GITLAB))[0]["check_name"] == (rule or "R")
    github = render(report, OutputFormat.GITHUB).split("\n")
    assert len(github) == 3  # the annotation, the summary, and the final newline: nothing breaks out
    assert github[0].startswith("::error file=f.json,line=1,title=")
    assert render(report, OutputFormat.TEXT)
