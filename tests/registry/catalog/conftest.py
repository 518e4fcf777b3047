"""Browser fixtures of the catalog's end-to-end tests, as the UI's: Debian's Chromium, and a page on
the module's `registry_url` that fails its test on any script error or request leaving the registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import chromium, watched_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser, registry_url: str) -> Iterator[Page]:
    with watched_page(browser, registry_url, viewport={"width": 1300, "height": 900}) as opened:
        yield opened
