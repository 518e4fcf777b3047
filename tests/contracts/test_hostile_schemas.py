"""The harness under hostile schemas: a `$ref` to a URL is never fetched (a finding says why), and a
pattern that backtracks catastrophically is matched in bounded time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from contracts.checks import ProducerSchema, check_sample_expectation, check_sample_schema
from contracts.expectations import Expectation
from contracts.samples import Sample
from tests.support.listener import listening

ENVELOPE = {"eventType": "OrderCreated", "eventId": "1", "data": {"id": "a" * 64 + "!"}}


def test_url_references_are_findings_and_cause_no_connection() -> None:
    sample = Sample("happy", ENVELOPE)
    with listening() as listener:
        remote = {"type": "object", "properties": {"id": {"$ref": f"{listener.url}/id.json"}}}
        schema_findings = check_sample_schema(
            sample, ProducerSchema("OrderCreated", "JSON", str(remote).replace("'", '"'))
        )
        expectation = Expectation("OrderCreated", {"type": "object"}, envelope={"$ref": "file:///etc/passwd"})
        expectation_findings = check_sample_expectation(sample, expectation, consumer="shop")
    assert listener.connections == []
    for findings in (schema_findings, expectation_findings):
        assert len(findings) == 1
        assert "cannot be used" in findings[0].message
    # a producer schema is parsed by the compatibility engine first, which says it in its own words
    assert "remote and file schemas are never fetched" in schema_findings[0].message
    assert "is not fetched" in expectation_findings[0].message


def test_a_redos_pattern_in_an_expectation_is_matched_in_bounded_time() -> None:
    script = textwrap.dedent(
        """
        from contracts.checks import check_sample_expectation
        from contracts.expectations import Expectation
        from contracts.samples import Sample
        evil = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^(a+)+$"}}}
        envelope = {"eventType": "OrderCreated", "eventId": "1", "data": {"id": "a" * 64 + "!"}}
        sample = Sample("happy", envelope)
        findings = check_sample_expectation(sample, Expectation("OrderCreated", evil), consumer="shop")
        print([finding.path for finding in findings])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "['$.data.id']"
