"""Bad input gets a Confluent-shaped 4xx, never a 500, and leaves the database as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import USER_V1
from tests.registry.api.test_subjects import error_of, register
from tests.support.databases import row_counts

LIMIT = 4096


@pytest.fixture
def small_client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url, max_body_bytes=LIMIT))) as test_client:
        yield test_client


BAD_REQUESTS = [
    pytest.param(
        "POST", "/subjects/s/versions", b'{"schema": ', "application/json", (400, 400), id="truncated-json"
    ),
    pytest.param(
        "POST", "/subjects/s/versions", b"not json", None, (400, 400), id="not-json-no-content-type"
    ),
    pytest.param("POST", "/subjects/s/versions", b"{}", "text/plain", (415, 415), id="text-plain"),
    pytest.param("POST", "/subjects/s/versions", b"<a/>", "application/xml", (415, 415), id="xml"),
    pytest.param("POST", "/subjects/s/versions", b"", "application/json", (422, 422), id="empty-body"),
    pytest.param("POST", "/subjects/s/versions", b"[]", "application/json", (422, 422), id="array-body"),
    pytest.param(
        "POST", "/subjects/s/versions", b'{"schema": 5}', "application/json", (422, 422), id="number"
    ),
    pytest.param(
        "POST",
        "/subjects/s/versions",
        b'{"schema": "\\"int\\"", "references": 3}',
        None,
        (422, 422),
        id="refs",
    ),
    pytest.param(
        "POST", "/subjects/s/versions", b'{"schema": "{"}', None, (422, 42201), id="schema-not-json"
    ),
    pytest.param(
        "POST", "/subjects/s/versions", b'{"schema": "\\"nope\\""}', None, (422, 42201), id="unknown-type"
    ),
    pytest.param("POST", "/subjects/s", b'{"schema": "[1]"}', None, (422, 42201), id="lookup-invalid-schema"),
    pytest.param(
        "POST",
        "/subjects/s/versions",
        b'{"schema": "\\"int\\"", "version": 9999999999}',
        None,
        (422, 422),
        id="big",
    ),
    pytest.param("GET", "/schemas?offset=9223372036854775808", b"", None, (422, 422), id="offset-overflow"),
    pytest.param("PUT", "/config", b'{"compatibility": 3}', None, (422, 422), id="level-not-string"),
    pytest.param("PUT", "/mode", b"{}", None, (422, 422), id="mode-missing"),
    pytest.param("GET", "/subjects?offset=x", b"", None, (422, 422), id="offset-not-int"),
    pytest.param("GET", "/subjects/s/versions/1.0", b"", None, (422, 42202), id="version-float"),
    pytest.param("PATCH", "/config", b"{}", None, (405, 405), id="wrong-method"),
    pytest.param("GET", "/no/such/path", b"", None, (404, 404), id="unknown-path"),
]


@pytest.mark.parametrize(("method", "path", "body", "content_type", "expected"), BAD_REQUESTS)
def test_bad_requests_are_refused_and_store_nothing(
    client: TestClient,
    database_url: str,
    method: str,
    path: str,
    body: bytes,
    content_type: str | None,
    expected: tuple[int, int],
) -> None:
    register(client, "s", USER_V1)
    before = row_counts(database_url)
    headers = {"content-type": content_type} if content_type else {}

    response = client.request(method, path, content=body, headers=headers)

    assert error_of(response) == expected
    assert response.json()["message"]
    assert row_counts(database_url) == before


def test_octet_stream_and_missing_content_type_are_read_as_json(client: TestClient) -> None:
    body = b'{"schema": "\\"string\\""}'
    for headers in ({"content-type": "application/octet-stream"}, {}):
        response = client.post("/subjects/plain/versions", content=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"id": 1}


def test_oversized_bodies_are_413_and_store_nothing(small_client: TestClient, database_url: str) -> None:
    before = row_counts(database_url)
    huge = '{"schema": "' + "x" * (LIMIT + 10) + '"}'

    declared = small_client.post(
        "/subjects/s/versions", content=huge, headers={"content-type": "application/json"}
    )
    streamed = small_client.post(
        "/subjects/s/versions", content=iter([huge.encode()[:LIMIT], huge.encode()[LIMIT:]])
    )

    assert error_of(declared) == (413, 413)
    assert "4096 bytes" in declared.json()["message"]
    assert error_of(streamed) == (413, 413)
    assert row_counts(database_url) == before
