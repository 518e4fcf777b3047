"""Whether a caller limited to some subjects may see a schema id is answered from memory (which subjects
hold the id, cached), and stays right when subjects holding the id are deleted or registered again:
by id, by id resolved, and the id's versions and subjects. Both backends."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.registry.api.samples import ORDER, record
from tests.support.credentials import CredentialsBuilder, basic, secured_client

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("reader", "reader-password", ("reader", ["orders-*"]))
)
ROOT = basic("root", "root-password")
READER = basic("reader", "reader-password")


@pytest.fixture
def secured(database_url: str) -> Iterator[TestClient]:
    with secured_client(database_url, CREDENTIALS) as client:
        yield client


def ways_in(client: TestClient, schema_id: int) -> dict[str, int]:
    """The status of every route by id, as the reader sees it."""
    paths = {
        "by id": f"/schemas/ids/{schema_id}",
        "resolved": f"/schemas/ids/{schema_id}?format=resolved",
        "versions": f"/schemas/ids/{schema_id}/versions",
        "subjects": f"/schemas/ids/{schema_id}/subjects",
    }
    return {name: client.get(path, headers=READER).status_code for name, path in paths.items()}


def register(client: TestClient, subject: str, schema: str = ORDER) -> int:
    response = client.post(f"/subjects/{subject}/versions", json={"schema": schema}, headers=ROOT)
    assert response.status_code == 200, response.text
    schema_id: int = response.json()["id"]
    return schema_id


ALLOWED = {"by id": 200, "resolved": 200, "versions": 200, "subjects": 200}
DENIED = {"by id": 404, "resolved": 404, "versions": 404, "subjects": 404}


def test_a_permanently_deleted_readable_subject_no_longer_shows_the_id(secured: TestClient) -> None:
    schema_id = register(secured, "orders-value")
    assert register(secured, "billing-value") == schema_id  # the same schema under a subject not readable
    assert ways_in(secured, schema_id) == ALLOWED  # cached now: the id is held by both subjects

    assert secured.delete("/subjects/orders-value", headers=ROOT).status_code == 200
    assert ways_in(secured, schema_id) == ALLOWED  # soft-deleted versions still show the id, as before
    assert secured.delete("/subjects/orders-value?permanent=true", headers=ROOT).status_code == 200
    assert ways_in(secured, schema_id) == DENIED
    body = secured.get(f"/schemas/ids/{schema_id}", headers=READER).json()
    assert body == {"error_code": 40403, "message": f"Schema {schema_id} not found"}

    assert register(secured, "orders-value") == schema_id  # registered again under a readable subject
    assert ways_in(secured, schema_id) == ALLOWED


def test_an_id_becomes_visible_when_registered_under_a_readable_subject(secured: TestClient) -> None:
    schema_id = register(secured, "billing-value")
    assert ways_in(secured, schema_id) == DENIED  # cached now: held by billing-value only

    assert register(secured, "orders-value") == schema_id
    assert ways_in(secured, schema_id) == ALLOWED


def test_a_cached_id_is_checked_without_a_query(secured: TestClient) -> None:
    allowed = register(secured, "orders-value")
    denied = register(secured, "billing-other", record("Invoice"))
    for schema_id in (allowed, denied):
        secured.get(f"/schemas/ids/{schema_id}", headers=READER)  # fills the caches
    statements: list[str] = []
    database = secured.app.state.database  # type: ignore[attr-defined]
    for engine in {database.engine, database.lookup_engine, database.inline_engine} - {None}:
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    # Across a check interval, so that the change log is read too; the checks themselves read nothing.
    for turn in range(20):
        if turn == 10:
            time.sleep(0.6)
        assert secured.get(f"/schemas/ids/{allowed}", headers=READER).status_code == 200
        assert secured.get(f"/schemas/ids/{denied}", headers=READER).status_code == 404
    assert [text for text in statements if "subject_versions" in text or "schema_text" in text] == []
    assert any("cache_changes" in text for text in statements)  # the listeners do see the lookups' reads
