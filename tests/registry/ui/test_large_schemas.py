"""Pages of huge schemas stay bounded: a schema shows its first lines with a link to the whole text,
a diff compares what each side shows and lists the first findings, and each page stays small; and
pages render a few at a time (ACCORD_UI_PAGES_AT_ONCE), so the API keeps answering."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from registry.schemas import SubjectPage, SubjectQuery
from registry.ui.catalog import SHOWN_ROWS, SHOWN_SCHEMA_LINES, Catalog
from tests.registry.ui.reading import visible_text
from tests.support.databases import copy_sqlite

VALUES = 40_000  # about 400 KB of schema text, under ACCORD_MAX_SCHEMA_BYTES


def enum_schema(values: range) -> str:
    return json.dumps({"type": "object", "properties": {"code": {"enum": [f"v{n}" for n in values]}}})


def pretty_lines(schema: str) -> int:
    """How many lines the UI's pretty-printed text of `schema` has."""
    return len(json.dumps(json.loads(schema), indent=2).split("\n"))


@pytest.fixture
def huge(client: TestClient) -> TestClient:
    """Two versions of a JSON Schema with a 40,000-value enum, the second without its last 1,000."""
    assert client.put("/config/codes", json={"compatibility": "NONE"}).status_code == 200
    for values in (range(VALUES), range(VALUES - 1_000)):
        body = {"schemaType": "JSON", "schema": enum_schema(values)}
        assert client.post("/subjects/codes/versions", json=body).status_code == 200
    return client


def test_a_huge_schema_shows_its_first_lines_and_links_the_whole_text(huge: TestClient) -> None:
    for path in ("/ui/subjects/codes/versions/1", "/ui/schemas/1"):
        page = huge.get(path)
        assert page.status_code == 200
        assert len(page.content) < 1_000_000, path  # the whole schema would be about 8 MB of HTML
        assert page.text.count('class="line"') == SHOWN_SCHEMA_LINES
        text = visible_text(page.text)
        total = pretty_lines(enum_schema(range(VALUES)))
        assert f"This schema has {total} lines; the first {SHOWN_SCHEMA_LINES} are shown" in text
        assert 'href="/schemas/ids/1/schema"' in page.text
    assert len(huge.get("/schemas/ids/1/schema").json()["properties"]["code"]["enum"]) == VALUES


def test_a_diff_of_huge_schemas_is_bounded_and_says_what_it_left_out(huge: TestClient) -> None:
    page = huge.get("/ui/subjects/codes/diff?old=1&new=2")
    assert page.status_code == 200
    assert len(page.content) < 2_000_000
    text = visible_text(page.text)
    assert f"the first {SHOWN_SCHEMA_LINES} lines of v1 and {SHOWN_SCHEMA_LINES} of v2 are compared" in text
    assert 'href="/schemas/ids/2/schema"' in page.text


def test_a_diff_with_many_findings_lists_the_first_ones_and_counts_the_rest(client: TestClient) -> None:
    properties = 500
    assert client.put("/config/many", json={"compatibility": "NONE"}).status_code == 200
    for kind in ("string", "integer"):
        schema = {"type": "object", "properties": {f"p{n}": {"type": kind} for n in range(properties)}}
        body = {"schemaType": "JSON", "schema": json.dumps(schema)}
        assert client.post("/subjects/many/versions", json=body).status_code == 200
    page = client.get("/ui/subjects/many/diff?old=1&new=2")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert page.text.count('<tr class="change-') == SHOWN_ROWS
    assert f"And {properties - SHOWN_ROWS} more changes" in text
    assert "versions/{version}?verbose=true lists every one" in text
    differences = page.text.split('<table class="differences">')[1].split("</table>")[0]
    assert differences.count("<tr>") == SHOWN_ROWS + 1  # and the header row


def test_a_short_schema_is_shown_whole_without_a_notice(client: TestClient) -> None:
    body = {"schemaType": "JSON", "schema": enum_schema(range(3))}
    assert client.post("/subjects/small/versions", json=body).status_code == 200
    page = client.get("/ui/subjects/small/versions/1")
    assert "lines; the first" not in page.text
    assert page.text.count('class="line"') == pretty_lines(body["schema"])


def test_pages_render_a_few_at_a_time_while_the_api_answers(
    tmp_path: Path, sqlite_template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendering = threading.Semaphore(0)  # released by each page that starts rendering
    release = threading.Event()

    def slow_subject_list(catalog: Catalog, query: SubjectQuery) -> SubjectPage:
        rendering.release()
        release.wait(timeout=30)
        return list_subjects(catalog, query)

    list_subjects = Catalog.list_subjects
    monkeypatch.setattr(Catalog, "list_subjects", slow_subject_list)
    settings = Settings(database_url=copy_sqlite(sqlite_template, tmp_path), ui_pages_at_once=1)
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(max_workers=2) as pool:
        pages = [pool.submit(client.get, "/ui/subjects") for _ in range(2)]
        assert rendering.acquire(timeout=30)  # one page renders ...
        assert client.get("/subjects").json() == []  # ... the API answers meanwhile ...
        assert not rendering.acquire(timeout=0.5)  # ... and the second page waits for its turn
        release.set()
        assert [page.result(timeout=30).status_code for page in pages] == [200, 200]
        assert rendering.acquire(timeout=0)  # it rendered once the first was done
