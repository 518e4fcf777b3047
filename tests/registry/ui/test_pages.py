"""Every UI page through create_app (no browser), on SQLite and on PostgreSQL: what each shows, the
links between them, and the error pages."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from registry.config import Settings
from tests.registry.api.samples import ORDER, USER_BREAKING, USER_V1, USER_V2, record
from tests.registry.ui.reading import page, visible_text


def register(client: TestClient, subject: str, schema: str, **extra: object) -> int:
    response = client.post(f"/subjects/{subject}/versions", json={"schema": schema, **extra})
    assert response.status_code == 200, response.text
    schema_id: int = response.json()["id"]
    return schema_id


def test_root_keeps_its_confluent_meaning_and_ui_leads_to_subjects(client: TestClient) -> None:
    root = client.get("/")
    assert root.json() == {}
    assert root.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    redirect = client.get("/ui", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"].endswith("/ui/subjects")


def test_pages_forbid_outside_code_and_serve_their_own_assets(client: TestClient) -> None:
    response = client.get("/ui/subjects")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert 'href="/ui/static/accord.css?v=' in response.text
    assert "http://" not in response.text
    assert "https://" not in response.text
    assert client.get("/ui/static/accord.css").headers["content-type"].startswith("text/css")
    assert "clipboard" in client.get("/ui/static/accord.js").text


def test_subjects_lists_each_subject_with_counts_type_level_and_links(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    latest_id = register(client, "users-value", USER_V2)
    register(client, "orders-value", ORDER)
    client.put("/config/orders-value", json={"compatibility": "FULL"})

    listing = page(client, "/ui/subjects")
    text = visible_text(listing)
    assert "2 subjects match." in text
    assert "orders-value v1 1 live AVRO FULL (subject)" in text
    assert f"users-value v2 2 live AVRO BACKWARD (global) {latest_id}" in text
    assert 'href="/ui/subjects/users-value"' in listing
    assert 'href="/ui/subjects/users-value/versions/2"' in listing
    assert f'href="/ui/schemas/{latest_id}"' in listing


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("prefix=us", ["users-value"]),
        ("prefix=nothing", []),
        ("type=AVRO", ["orders-value", "users-value"]),
        ("type=json", []),
        ("compatibility=FULL", ["orders-value"]),
        ("compatibility=backward", ["users-value"]),
        ("state=deleted", ["gone-value"]),
        ("state=all", ["gone-value", "orders-value", "users-value"]),
    ],
)
def test_subjects_filters(client: TestClient, query: str, shown: list[str]) -> None:
    register(client, "users-value", USER_V1)
    register(client, "orders-value", ORDER)
    register(client, "gone-value", record("Gone", {"name": "x", "type": "int"}))
    client.put("/config/orders-value", json={"compatibility": "FULL"})
    client.delete("/subjects/gone-value")

    listing = page(client, f"/ui/subjects?{query}")
    listed = re.findall(r'<th scope="row"><a href="/ui/subjects/([^"]+)">', listing)
    assert listed == shown
    assert f"{len(shown)} subject{'' if len(shown) == 1 else 's'} match." in visible_text(listing)
    if "deleted" in query:
        assert "gone-value soft-deleted" in visible_text(listing)


def test_subjects_follow_the_global_level_when_filtering(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    client.put("/config", json={"compatibility": "FORWARD"})
    assert "users-value" in page(client, "/ui/subjects?compatibility=FORWARD")
    assert "users-value" not in page(client, "/ui/subjects?compatibility=BACKWARD")
    assert "FORWARD (global)" in visible_text(page(client, "/ui/subjects"))


def test_subjects_pages_forward_and_back(client: TestClient) -> None:
    names = [f"s{number:03d}" for number in range(52)]
    for name in names:
        register(client, name, USER_V1)

    first = page(client, "/ui/subjects")
    assert re.findall(r'<th scope="row"><a href="/ui/subjects/([^"]+)">', first) == names[:50]
    assert "52 subjects match." in visible_text(first)
    assert 'rel="prev"' not in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert next_link is not None

    second = page(client, html.unescape(next_link.group(1)))
    assert re.findall(r'<th scope="row"><a href="/ui/subjects/([^"]+)">', second) == names[50:]
    assert 'rel="next"' not in second
    previous_link = re.search(r'<a rel="prev" href="([^"]+)"', second)
    assert previous_link is not None

    back = page(client, html.unescape(previous_link.group(1)))
    assert re.findall(r'<th scope="row"><a href="/ui/subjects/([^"]+)">', back) == names[:50]
    assert 'rel="prev"' not in back
    assert 'rel="next"' in back


def test_subjects_pages_keep_their_filters(client: TestClient) -> None:
    names = [f"s{number:03d}" for number in range(53)]
    for name in names:
        register(client, name, USER_V1)
    register(client, "t000", USER_V1)

    first = page(client, "/ui/subjects?type=AVRO&prefix=s")
    assert "53 subjects match." in visible_text(first)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert next_link is not None
    assert "type=AVRO" in next_link.group(1)
    second = page(client, html.unescape(next_link.group(1)))
    assert re.findall(r'<th scope="row"><a href="/ui/subjects/([^"]+)">', second) == names[50:]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type=XML", "Unknown schema type 'XML'; choose one of AVRO, JSON, PROTOBUF"),
        ("state=gone", "Unknown state 'gone'; choose one of live, deleted, all"),
        ("compatibility=SOMETIMES", "Invalid compatibility level."),
    ],
)
def test_subjects_refuse_unknown_filter_values(client: TestClient, query: str, message: str) -> None:
    assert message in visible_text(page(client, f"/ui/subjects?{query}", status=422))


def test_subject_page_shows_versions_dates_state_and_the_highlighted_schema(client: TestClient) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    first_id = register(client, "users-value", USER_V1)
    second_id = register(client, "users-value", USER_V2)
    client.delete("/subjects/users-value/versions/1")

    subject = page(client, "/ui/subjects/users-value")
    text = visible_text(subject)
    assert "Version 2 live" in text
    assert f"v2 {second_id}" in text
    assert f"v1 {first_id}" in text
    assert "soft-deleted" in text
    stamps = re.findall(r'<time datetime="([^"]+)">', subject)
    assert stamps
    assert all(before <= datetime.fromisoformat(stamp) <= datetime.now(UTC) for stamp in stamps)
    assert '<span class="tok-nt">&#34;fields&#34;</span>' in subject
    assert f'data-copy-text="{second_id}"' in subject
    assert "Compare with version 1" in text

    deleted = visible_text(page(client, "/ui/subjects/users-value/versions/1"))
    assert "Version 1 soft-deleted" in deleted


def test_subject_page_says_where_level_and_mode_come_from(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    text = visible_text(page(client, "/ui/subjects/users-value"))
    assert "Compatibility BACKWARD the registry's default" in text
    assert "Mode READWRITE the registry's default" in text

    client.put("/config", json={"compatibility": "FULL"})
    client.put("/mode", json={"mode": "READONLY"})
    text = visible_text(page(client, "/ui/subjects/users-value"))
    assert "Compatibility FULL inherited from the global setting" in text
    assert "Mode READONLY inherited from the global setting" in text

    client.put("/mode/users-value", json={"mode": "READWRITE"})
    client.put("/config/users-value", json={"compatibility": "NONE"})
    text = visible_text(page(client, "/ui/subjects/users-value"))
    assert "Compatibility NONE set on this subject" in text
    assert "Mode READWRITE set on this subject" in text


def test_versions_link_their_references_both_ways(client: TestClient) -> None:
    register(client, "users-value", record("User", {"name": "id", "type": "long"}, namespace="com.acme"))
    order = record("Order", {"name": "buyer", "type": "com.acme.User"})
    reference = {"name": "com.acme.User", "subject": "users-value", "version": 1}
    register(client, "orders-value", order, references=[reference])

    orders = page(client, "/ui/subjects/orders-value")
    assert "com.acme.User : users-value v1" in visible_text(orders)
    assert 'href="/ui/subjects/users-value/versions/1"' in orders
    users = page(client, "/ui/subjects/users-value")
    assert "orders-value v1" in visible_text(users)
    assert 'href="/ui/subjects/orders-value/versions/1"' in users


def test_diff_shows_both_sides_the_verdict_per_level_and_the_differences(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    client.put("/config/users-value", json={"compatibility": "NONE"})
    register(client, "users-value", USER_BREAKING)

    diff = page(client, "/ui/subjects/users-value/diff")
    text = visible_text(diff)
    assert "users-value: v1 → v2" in text
    assert "NONE this subject's level ✓ Compatible" in text
    assert "BACKWARD ✗ Incompatible v1" in text
    assert "FORWARD ✓ Compatible" in text
    assert "FULL ✗ Incompatible v1" in text
    assert "BACKWARD (new reads old) READER_FIELD_MISSING_DEFAULT_VALUE" in text
    added = re.findall(r'<tr class="row-(\w+)">', diff)
    assert added.count("added") >= 1
    assert "&#34;age&#34;" in diff


def test_diff_transitive_levels_check_the_history_before_the_old_version(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    register(client, "users-value", USER_V2)
    # email loses its default: readable after v2 (which wrote it), not after v1 (which did not)
    register(
        client,
        "users-value",
        record("User", {"name": "id", "type": "long"}, {"name": "email", "type": "string"}),
    )

    text = visible_text(page(client, "/ui/subjects/users-value/diff?old=2&new=3"))
    assert "BACKWARD this subject's level ✓ Compatible" in text
    assert "BACKWARD_TRANSITIVE ✗ Incompatible v1" in text
    assert "No incompatibility in either direction" not in text or "FORWARD" in text


def test_diff_of_a_version_with_itself_says_so(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    text = visible_text(page(client, "/ui/subjects/users-value/diff"))
    assert "Both sides are version 1" in text
    assert "✗" not in text


def test_schema_by_id_lists_every_subject_version_that_is_it(client: TestClient) -> None:
    schema_id = register(client, "users-value", USER_V1)
    register(client, "people-value", USER_V1)
    client.delete("/subjects/people-value")

    schema = page(client, f"/ui/schemas/{schema_id}")
    text = visible_text(schema)
    assert f"Schema {schema_id}" in text
    assert "people-value v1 soft-deleted" in text
    assert "users-value v1 live" in text
    jump = client.get(f"/ui/schemas?id={schema_id}", follow_redirects=False)
    assert jump.headers["location"].endswith(f"/ui/schemas/{schema_id}")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/ui/subjects/missing", 404, "Subject 'missing' not found."),
        ("/ui/subjects/users-value/versions/7", 404, "Version 7 not found."),
        ("/ui/subjects/users-value/versions/first", 422, "The specified version 'first' is not a valid"),
        ("/ui/subjects/users-value/diff?old=1&new=9", 404, "Version 9 not found."),
        ("/ui/schemas/999", 404, "Schema 999 not found"),
        ("/ui/schemas/abc", 422, "schema_id: Input should be a valid integer"),
        ("/ui/schemas?id=-3", 422, "id: Input should be greater than or equal to 0"),
        ("/ui/elsewhere", 404, "There is no page at /ui/elsewhere."),
    ],
)
def test_errors_are_pages_with_the_registrys_message(
    client: TestClient, path: str, status: int, message: str
) -> None:
    register(client, "users-value", USER_V1)
    text = visible_text(page(client, path, status=status))
    assert message in text
    assert "Back to the subjects" in text


def test_subject_names_and_schema_text_are_escaped(client: TestClient) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    schema = record("User", {"name": "id", "type": "long", "doc": "</pre><script>alert(2)</script>"})
    register(client, hostile, schema)

    listing = page(client, "/ui/subjects")
    assert "<img" not in listing
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing
    assert "/ui/subjects/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E" in listing
    subject = page(client, "/ui/subjects/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E")
    assert "<img" not in subject
    assert "<script>alert" not in subject
    assert "&lt;/pre&gt;&lt;script&gt;alert(2)" in subject


def test_subject_names_with_slashes_and_spaces_round_trip(client: TestClient, settings: Settings) -> None:
    # The API cannot register such a name (its route takes one path segment); the UI must still show it.
    register(client, "plain", USER_V1)
    engine = create_engine(settings.database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE subject_versions SET subject = 'team a/orders'"))
    engine.dispose()

    listing = page(client, "/ui/subjects")
    assert 'href="/ui/subjects/team%20a%2Forders"' in listing
    assert "Version 1" in visible_text(page(client, "/ui/subjects/team%20a%2Forders"))
    assert "Version 1" in visible_text(page(client, "/ui/subjects/team%20a%2Forders/versions/1"))


def test_versions_registered_before_dates_were_recorded_show_unknown(
    client: TestClient, settings: Settings
) -> None:
    register(client, "users-value", USER_V1)
    engine = create_engine(settings.database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE subject_versions SET registered_at = NULL"))
    engine.dispose()
    assert "unknown (registered before dates were recorded)" in visible_text(
        page(client, "/ui/subjects/users-value")
    )


def test_copying_gets_the_exact_pretty_schema(client: TestClient) -> None:
    register(client, "users-value", USER_V1)
    subject = page(client, "/ui/subjects/users-value")
    code = re.search(r'<code id="schema-text">(.*?)</code>', subject, re.DOTALL)
    assert code is not None
    copied = html.unescape(re.sub(r"<[^>]+>", "", code.group(1)))
    assert json.loads(copied) == json.loads(USER_V1)
    assert copied.startswith('{\n  "type": "record",\n  "name": "User"')
