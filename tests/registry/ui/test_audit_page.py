"""The audit log page through create_app (no browser), on SQLite and on PostgreSQL: what each entry
shows, the filters and the paging of GET /audit, and precise errors for bad filters."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import USER_V1
from tests.registry.ui.reading import page, visible_text


def actions(audit_page: str) -> list[str]:
    return re.findall(r"<td><code>([a-z.]+)</code></td>", audit_page)


def link(audit_page: str, rel: str) -> str:
    found = re.search(
        rf'<a (?:rel="{rel}" )?href="([^"]+)">{"Older →" if rel == "next" else "← Newest"}', audit_page
    )
    assert found is not None, rel
    return html.unescape(found.group(1))


def test_entries_show_who_did_what_to_which_subject_newest_first(client: TestClient) -> None:
    client.post("/subjects/users-value/versions", json={"schema": USER_V1}).raise_for_status()
    client.put("/config/users-value", json={"compatibility": "FULL"}).raise_for_status()
    client.put("/mode", json={"mode": "READONLY"}).raise_for_status()

    audit = page(client, "/ui/audit")
    assert actions(audit) == ["mode.update", "config.update", "schema.register"]
    text = visible_text(audit)
    assert "anonymous mode.update — mode READONLY force false testclient" in text
    assert "anonymous config.update users-value compatibility FULL" in text
    assert "anonymous schema.register users-value version 1 schemaId 1" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC anonymous mode.update", text)
    assert 'href="/ui/subjects/users-value"' in audit
    assert 'aria-current="page">Audit log</a>' in audit


def test_lists_in_details_read_as_lists(client: TestClient) -> None:
    expectation = {"eventType": "UserCreated", "subject": "users-value", "schema": {"type": "object"}}
    path = "/contracts/consumers/mailer/versions/m1/expectations"
    client.put(path, json={"expectations": [expectation]}).raise_for_status()
    text = visible_text(page(client, "/ui/audit"))
    assert "contracts.expectations.publish — consumer mailer version m1 subjects users-value" in text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("subject=users-value", ["config.update", "schema.register"]),
        ("action=config.update", ["config.update", "config.update"]),
        ("principal=anonymous", ["config.update", "config.update", "schema.register"]),
        ("principal=someone-else", []),
        ("since=2000-01-01T00:00", ["config.update", "config.update", "schema.register"]),
        ("since=2999-01-01T00:00", []),
        ("until=2999-01-01T00:00:00", ["config.update", "config.update", "schema.register"]),
        ("until=2000-01-01T00:00%2B02:00", []),
    ],
)
def test_filters_narrow_the_log(client: TestClient, query: str, shown: list[str]) -> None:
    client.post("/subjects/users-value/versions", json={"schema": USER_V1}).raise_for_status()
    client.put("/config/users-value", json={"compatibility": "FULL"}).raise_for_status()
    client.put("/config", json={"compatibility": "NONE"}).raise_for_status()

    audit = page(client, f"/ui/audit?{query}")
    assert actions(audit) == shown
    name, _, value = query.partition("=")
    assert f'name="{name}"' in audit
    assert f'value="{html.unescape(value.replace("%2B", "+"))}"' in audit
    if not shown:
        assert "No change matches these filters." in visible_text(audit)


def test_the_form_as_a_browser_sends_it_leaves_empty_fields_out(client: TestClient) -> None:
    client.post("/subjects/users-value/versions", json={"schema": USER_V1}).raise_for_status()
    client.put("/config", json={"compatibility": "NONE"}).raise_for_status()
    audit = page(client, "/ui/audit?subject=users-value&principal=&action=&since=&until=")
    assert actions(audit) == ["schema.register"]


def test_pages_go_back_in_time_and_keep_their_filters(client: TestClient) -> None:
    for number in range(56):
        level = "FULL" if number % 2 else "FORWARD"
        client.put("/config/users-value", json={"compatibility": level}).raise_for_status()
    client.put("/config", json={"compatibility": "NONE"}).raise_for_status()  # filtered out below

    first = page(client, "/ui/audit?subject=users-value")
    assert len(actions(first)) == 50
    assert "← Newest" not in first
    assert visible_text(first).count("compatibility FULL") == 25
    older = link(first, "next")
    assert "subject=users-value" in older

    second = page(client, older)
    assert len(actions(second)) == 6
    assert 'rel="next"' not in second
    assert link(second, "newest") == "/ui/audit?subject=users-value"
    first_ids = re.findall(r'<code class="request-id">(\w+)</code>', first)
    second_ids = re.findall(r'<code class="request-id">(\w+)</code>', second)
    assert len(set(first_ids + second_ids)) == 56


def test_an_empty_log_says_so(client: TestClient) -> None:
    assert "No change has been recorded yet." in visible_text(page(client, "/ui/audit"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "since: Input should be a valid datetime"),
        ("before=0", "before: Input should be greater than or equal to 1"),
        ("before=99999999999", "before: Input should be less than or equal to 2147483647"),
    ],
)
def test_bad_filters_get_a_precise_error_page(client: TestClient, query: str, message: str) -> None:
    assert message in visible_text(page(client, f"/ui/audit?{query}", status=422))
