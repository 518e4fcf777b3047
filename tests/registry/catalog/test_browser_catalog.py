"""The catalog pages and the subject and diff pages' tables in a real browser (Debian's Chromium).

The order flow runs in `accord serve` as CI publishes it; a person finds an event type by searching the
catalog, opens its page from the listing, from its subject's page and from its contracts page, and
reads who produces and consumes it. The subject page's versions table and the diff page's verdict
table fit a 1,300-pixel-wide window without a horizontal scroll bar, and every page fits a 390-pixel
phone. Screenshots at both widths land in test-artifacts/ui/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from contracts.remote import ContractRegistry
from tests.registry.ui.order_flow import publish_order_flow
from tests.support.browser import shoot, watched_page
from tests.support.servers import running_registry

DESKTOP = {"width": 1300, "height": 900}
PHONE = {"width": 390, "height": 844}
GIFT_NOTE = {"name": "giftNote", "type": "string", "default": ""}  # OrderCreated v2: a compatible change


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("ui-catalog") / "registry.db"
    with running_registry(f"sqlite:///{database}") as url, httpx.Client(base_url=url) as api:
        publish_order_flow(api, ContractRegistry(url))
        order_created = json.loads(api.get("/subjects/OrderCreated/versions/1/schema").text)
        order_created["fields"].append(GIFT_NOTE)
        api.post(
            "/subjects/OrderCreated/versions", json={"schema": json.dumps(order_created)}
        ).raise_for_status()
        yield url


def overflow(page: Page, selector: str) -> int:
    """How many pixels of the element's content are hidden behind its horizontal scroll bar."""
    hidden: int = page.eval_on_selector(selector, "wrap => wrap.scrollWidth - wrap.clientWidth")
    return hidden


def test_search_the_catalog_and_read_an_event_type(page: Page) -> None:
    page.goto("/ui/subjects")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Event catalog")
    expect(page.locator("table.catalog tbody tr")).to_have_count(3)
    shoot(page, "catalog-01-list")
    page.get_by_label("Name or description contains").fill("shipped")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#count")).to_have_text("1 event type match “shipped”.")
    page.get_by_role("link", name="OrderShipped").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OrderShipped")
    consumers = page.locator("table.consumers")
    expect(consumers.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("list", name="Fields notification-service reads")).to_contain_text(
        "trackingNumber"
    )
    expect(page.locator("#example-origin")).to_contain_text("published by order-service")
    expect(page.locator("#example-event")).to_contain_text('"eventType": "OrderShipped"')
    shoot(page, "catalog-02-event-type")


def test_subject_and_contract_pages_lead_to_the_catalog_page(page: Page) -> None:
    page.goto("/ui/subjects/OrderCreated")
    page.get_by_role("link", name="Catalog page of OrderCreated").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OrderCreated")
    history = page.get_by_role("list", name="Live versions")
    expect(history).to_contain_text("v2 current")
    history.get_by_role("link", name="changes from v1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v1 → v2")
    page.goto("/ui/contracts/event-types/OrderPaid")
    page.get_by_role("link", name="Catalog page of OrderPaid").click()
    expect(page.get_by_role("table").filter(has_text="Reads")).to_contain_text("inventory-service")
    expect(page.locator("#example-event")).to_contain_text('"eventType": "OrderPaid"')


@pytest.mark.parametrize(
    ("path", "selector", "name"),
    [
        ("/ui/subjects/OrderCreated", "section.history .table-wrap", "subject"),
        ("/ui/subjects/OrderCreated/diff?old=1&new=2", ".table-wrap:has(table.verdicts)", "diff"),
    ],
)
def test_tables_fit_a_1300_pixel_window(
    browser: Browser, registry_url: str, path: str, selector: str, name: str
) -> None:
    with watched_page(browser, registry_url, viewport=DESKTOP) as page:
        page.goto(path)
        shoot(page, f"layout-{name}-1300")
        assert overflow(page, selector) <= 0
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/ui/catalog", "catalog"),
        ("/ui/catalog/event-types/OrderCreated", "catalog-event"),
        ("/ui/subjects/OrderCreated", "subject"),
        ("/ui/subjects/OrderCreated/diff?old=1&new=2", "diff"),
    ],
)
def test_pages_fit_a_390_pixel_phone(browser: Browser, registry_url: str, path: str, name: str) -> None:
    with watched_page(browser, registry_url, viewport=PHONE) as page:
        page.goto(path)
        shoot(page, f"layout-{name}-390")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_catalog_page_at_1300_pixels(browser: Browser, registry_url: str) -> None:
    with watched_page(browser, registry_url, viewport=DESKTOP) as page:
        page.goto("/ui/catalog/event-types/OrderCreated")
        shoot(page, "layout-catalog-event-1300")
        assert overflow(page, "table.consumers") <= 0
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
