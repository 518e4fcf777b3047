"""Limits with safe defaults, each configurable: over one, a clear 4xx naming the setting."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import ORDER, record
from tests.support.databases import row_counts


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    tight = settings.model_copy(
        update={"max_schema_bytes": 1024, "max_schema_depth": 8, "max_references": 2, "max_page_size": 2}
    )
    with TestClient(create_app(tight)) as client:
        yield client


def refusal(response) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    body = response.json()
    return response.status_code, body["error_code"], body["message"]


def test_a_schema_over_the_size_limit_is_refused_before_parsing(
    limited: TestClient, database_url: str
) -> None:
    big = record("Big", *({"name": f"field_{n}", "type": "string"} for n in range(40)))
    status, code, message = refusal(limited.post("/subjects/big/versions", json={"schema": big}))
    assert (status, code) == (422, 42201)
    assert "more than the limit of 1024 bytes (setting ACCORD_MAX_SCHEMA_BYTES)" in message
    assert refusal(limited.post("/compatibility/subjects/big/versions", json={"schema": big}))[1] == 42201
    assert row_counts(database_url)["schemas"] == 0


def test_a_schema_nested_too_deep_is_refused(limited: TestClient) -> None:
    deep: object = "string"
    for level in range(5):
        deep = {"type": "record", "name": f"R{level}", "fields": [{"name": "f", "type": deep}]}
    status, code, message = refusal(
        limited.post("/subjects/deep/versions", json={"schema": json.dumps(deep)})
    )
    assert (status, code) == (422, 42201)
    assert message == "Invalid schema: it nests more than 8 levels deep (setting ACCORD_MAX_SCHEMA_DEPTH)"
    very_deep = "[" * 500 + "]" * 500
    assert (
        "ACCORD_MAX_SCHEMA_DEPTH"
        in refusal(limited.post("/subjects/deep/versions", json={"schema": very_deep}))[2]
    )


def test_too_many_references_are_refused(limited: TestClient) -> None:
    for name in ("A", "B", "C"):
        schema = record(name, {"name": "x", "type": "long"})
        assert limited.post(f"/subjects/{name}/versions", json={"schema": schema}).status_code == 200
    references = [{"name": name, "subject": name, "version": 1} for name in ("A", "B", "C")]
    using = record("Uses", *({"name": name.lower(), "type": name} for name in ("A", "B", "C")))
    status, code, message = refusal(
        limited.post("/subjects/uses/versions", json={"schema": using, "references": references})
    )
    assert (status, code) == (422, 42201)
    assert "more than 2 referenced schemas" in message
    assert "ACCORD_MAX_REFERENCES" in message
    two = record("UsesTwo", {"name": "a", "type": "A"}, {"name": "b", "type": "B"})
    ok = limited.post("/subjects/two/versions", json={"schema": two, "references": references[:2]})
    assert ok.status_code == 200


def test_subject_listings_are_bounded_by_the_page_size(limited: TestClient) -> None:
    for subject in ("a", "b", "c"):
        assert limited.post(f"/subjects/{subject}/versions", json={"schema": ORDER}).status_code == 200
    status, code, message = refusal(limited.get("/subjects"))
    assert (status, code) == (422, 422)
    assert "There are 3 subjects, more than the largest page of 2 (ACCORD_MAX_PAGE_SIZE)" in message
    assert refusal(limited.get("/subjects?limit=3"))[0] == 422
    assert limited.get("/subjects?limit=2").json() == ["a", "b"]
    assert limited.get("/subjects?offset=2&limit=2").json() == ["c"]
    assert limited.get("/subjects?offset=1").json() == ["b", "c"]


def test_a_body_over_the_limit_gets_413_without_being_read_whole(limited: TestClient) -> None:
    response = limited.post("/subjects/x/versions", content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert refusal(response)[:2] == (413, 413)
    assert "ACCORD_MAX_BODY_BYTES" in refusal(response)[2]
