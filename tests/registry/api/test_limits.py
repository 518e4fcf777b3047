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


def register_chain(client: TestClient, length: int) -> list[int]:
    """Avro records C0 <- C1 <- ... each referencing the one before: answers' status codes."""
    statuses = []
    for number in range(length):
        fields = [{"name": "x", "type": "long"}]
        references = []
        if number:
            fields.append({"name": "previous", "type": f"C{number - 1}"})
            references = [{"name": f"C{number - 1}", "subject": f"c{number - 1}", "version": 1}]
        body = {"schema": record(f"C{number}", *fields), "references": references}
        statuses.append(client.post(f"/subjects/c{number}/versions", json=body).status_code)
    return statuses


def test_a_reference_chain_is_bounded_by_depth_and_count_on_every_path(settings: Settings) -> None:
    roomy = settings.model_copy(update={"max_reference_depth": 10, "max_references": 100})
    with TestClient(create_app(roomy)) as client:
        assert register_chain(client, 8) == [200] * 8
        chain_top = client.get("/subjects/c7/versions/1").json()["id"]
    # The same registry, its limits lowered: the chain of 7 references below c7 is now over both.
    for tight, setting in [
        ({"max_reference_depth": 4, "max_references": 100}, "ACCORD_MAX_REFERENCE_DEPTH"),
        ({"max_reference_depth": 10, "max_references": 4}, "ACCORD_MAX_REFERENCES"),
    ]:
        with TestClient(create_app(settings.model_copy(update=tight))) as client:
            top = client.get("/subjects/c7/versions/1").json()
            body = {
                "schema": record("Next", {"name": "t", "type": "C7"}),
                "references": [{"name": "C7", "subject": "c7", "version": 1}],
            }
            answers = {
                "register": client.post("/subjects/next/versions", json=body),
                "lookup": client.post(
                    "/subjects/c7", json={"schema": top["schema"], "references": top["references"]}
                ),
                "compatibility": client.post(
                    "/compatibility/subjects/c7/versions",
                    json={"schema": top["schema"], "references": top["references"]},
                ),
                "resolved": client.get(f"/schemas/ids/{chain_top}?format=resolved"),
            }
            for path, response in answers.items():
                status, code, message = refusal(response)
                assert (status, code) == (422, 42201), (path, setting, response.text)
                assert setting in message, (path, message)


def test_a_long_chain_is_refused_with_the_limit_named(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"max_reference_depth": 5}))) as client:
        statuses = register_chain(client, 7)
        body = {
            "schema": record("C6", {"name": "p", "type": "C5"}),
            "references": [{"name": "C5", "subject": "c5", "version": 1}],
        }
        status, code, message = refusal(client.post("/subjects/c6/versions", json=body))

    assert statuses == [200] * 6 + [422]
    assert (status, code) == (422, 42201)
    assert message == (
        "Invalid schema: its references go more than 5 levels deep, counting the references of "
        "references (setting ACCORD_MAX_REFERENCE_DEPTH)"
    )
