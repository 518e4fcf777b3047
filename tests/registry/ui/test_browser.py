"""The UI end to end in a real browser: `accord serve` on a free port, schemas registered through the
API, then a person's path through the pages: subjects -> subject -> version -> diff -> schema by id.

Screenshots of every page land in test-artifacts/ui/. The browser and page fixtures are in conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.registry.api.samples import record
from tests.support.browser import shoot
from tests.support.servers import running_registry

USER_V1 = record("User", {"name": "id", "type": "long"}, namespace="com.acme")
USER_V2 = record(
    "User",
    {"name": "id", "type": "long"},
    {"name": "email", "type": "string", "default": ""},
    namespace="com.acme",
)
USER_V3 = record(
    "User",
    {"name": "id", "type": "string"},
    {"name": "email", "type": "string", "default": ""},
    namespace="com.acme",
)
ORDER = record("Order", {"name": "buyer", "type": "com.acme.User"}, {"name": "total", "type": "double"})
SHIPMENT_V1 = {
    "title": "ShipmentDispatched",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "weight": {"type": "number"}},
    "required": ["orderId"],
}
SHIPMENT_V2 = {
    "title": "ShipmentDispatched",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "weight": {"type": "string"}, "carrier": {}},
    "required": ["orderId"],
}


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("ui-e2e") / "registry.db"
    with running_registry(f"sqlite:///{database}") as base_url, httpx.Client(base_url=base_url) as api:
        api.post("/subjects/users-value/versions", json={"schema": USER_V1}).raise_for_status()
        api.post("/subjects/users-value/versions", json={"schema": USER_V2}).raise_for_status()
        api.put("/config/users-value", json={"compatibility": "NONE"}).raise_for_status()
        api.post("/subjects/users-value/versions", json={"schema": USER_V3}).raise_for_status()
        reference = {"name": "com.acme.User", "subject": "users-value", "version": 2}
        api.post(
            "/subjects/orders-value/versions", json={"schema": ORDER, "references": [reference]}
        ).raise_for_status()
        api.put("/config/shipments-json", json={"compatibility": "NONE"}).raise_for_status()
        for shipment in (SHIPMENT_V1, SHIPMENT_V2):
            api.post(
                "/subjects/shipments-json/versions",
                json={"schema": json.dumps(shipment), "schemaType": "JSON"},
            ).raise_for_status()
        yield base_url


def test_subject_to_version_to_diff(page: Page) -> None:
    page.goto("/ui")
    expect(page).to_have_url(f"{page.url.split('/ui')[0]}/ui/subjects")
    expect(page.get_by_text("3 subjects match.")).to_be_visible()
    shoot(page, "01-subjects")

    page.get_by_role("link", name="users-value", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("users-value")
    expect(page.get_by_role("heading", level=2, name="Version 3")).to_be_visible()
    versions = page.locator("table.versions tbody tr")
    expect(versions).to_have_count(3)
    expect(versions.first.locator("time")).to_contain_text("UTC")
    expect(page.locator(".settings")).to_contain_text("NONE set on this subject")
    shoot(page, "02-subject")

    page.get_by_role("link", name="v2", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/ui')[0]}/ui/subjects/users-value/versions/2")
    expect(page.locator("#schema-text")).to_contain_text('"email"')
    expect(page.get_by_role("list", name="Versions that reference this one")).to_contain_text(
        "orders-value v1"
    )
    shoot(page, "03-version")

    page.get_by_role("link", name="Compare with version 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v1 → v2")
    expect(page.locator("table.verdicts tr", has_text="FULL_TRANSITIVE")).to_contain_text("Compatible")
    expect(page.locator("table.diff tr.row-added", has_text='"email"')).to_have_count(1)

    page.get_by_label("Old version").select_option("2")
    page.get_by_label("New version").select_option("3")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v2 → v3")
    backward = page.locator("table.verdicts tr", has_text="BACKWARD").first
    expect(backward).to_contain_text("Incompatible")
    expect(page.locator("table.differences")).to_contain_text("TYPE_MISMATCH")
    expect(page.locator("table.diff tr.row-changed").first).to_contain_text('"string"')
    shoot(page, "04-diff")


def test_a_json_schema_subject_to_its_diff_and_a_change_to_its_line(page: Page) -> None:
    page.goto("/ui/subjects?type=JSON")
    expect(page.get_by_text("1 subject match.")).to_be_visible()
    page.get_by_role("link", name="shipments-json", exact=True).click()
    expect(page.locator(".version .facts")).to_contain_text("JSON")
    expect(page.locator("#schema-text .tok-nt").first).to_have_text('"title"')  # highlighted keys
    expect(page.locator("#schema-text")).to_contain_text('"carrier": {}')

    page.get_by_role("link", name="Compare with version 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v1 → v2")
    changes = page.locator("table.changes tbody tr")
    expect(changes).to_have_count(2)
    retyped = page.locator("table.changes tr", has_text="TYPE_CHANGED")
    expect(retyped).to_contain_text("Breaks readers")
    expect(page.locator("table.changes tr", has_text="PROPERTY_WITH_EMPTY_SCHEMA_ADDED")).to_contain_text(
        "Compatible"
    )
    retyped.get_by_role("link", name="Show #/properties/weight in the schema").click()
    target = page.locator("table.diff td:target")
    expect(target).to_have_count(1)
    targeted_row = page.locator("table.diff tr", has=page.locator("td:target"))
    expect(targeted_row).to_contain_text('"weight": {')
    assert page.url.split("#")[1] == target.get_attribute("id")
    shoot(page, "07-json-diff")


def test_schema_by_id_from_the_header_and_back_to_its_subject(page: Page) -> None:
    page.goto("/ui/subjects")
    page.get_by_label("Schema id").fill("4")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schema 4")
    expect(page.locator("#schema-text")).to_contain_text('"com.acme.User"')
    shoot(page, "05-schema")
    page.get_by_role("link", name="users-value v2").click()
    expect(page.get_by_role("heading", level=2, name="Version 2")).to_be_visible()


def test_filters_narrow_the_listing(page: Page) -> None:
    page.goto("/ui/subjects")
    page.get_by_label("Name starts with").fill("ord")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 subject match.")).to_be_visible()
    expect(page.locator("table.subjects tbody")).to_contain_text("orders-value")
    page.get_by_label("Compatibility").select_option("NONE")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("0 subjects match.")).to_be_visible()


def test_copy_button_copies_the_pretty_schema(page: Page) -> None:
    page.goto("/ui/subjects/users-value/versions/1")
    page.get_by_role("button", name="Copy schema", exact=True).click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert json.loads(copied) == json.loads(USER_V1)
    assert copied.startswith('{\n  "type": "record"')


def test_keyboard_reaches_the_content_and_the_search(page: Page) -> None:
    page.goto("/ui/subjects")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("/")
    expect(page.get_by_label("Name starts with")).to_be_focused()


def test_narrow_screens_get_one_column(browser: Browser, registry_url: str) -> None:
    context = browser.new_context(base_url=registry_url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto("/ui/subjects/users-value/diff?old=2&new=3")
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    verdicts = phone.locator("table.verdicts").bounding_box()
    differences = phone.locator("table.differences").bounding_box()
    shoot(phone, "06-diff-phone")
    context.close()
    assert page_width <= 390
    assert verdicts is not None
    assert differences is not None
    assert differences["y"] > verdicts["y"] + verdicts["height"]


def test_the_api_documentation_renders_without_leaving_the_registry(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Accord schema registry")
    expect(page.get_by_text("/schemas/ids/{id}", exact=True).first).to_be_visible()
