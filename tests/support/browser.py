"""Debian's Chromium driven by Playwright: never a downloaded browser (`make browser` installs it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    HttpCredentials,
    Page,
    Request,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


SCREENSHOTS = ARTIFACTS / "ui"


@contextmanager
def watched_page(
    browser: Browser,
    base_url: str,
    *,
    viewport: ViewportSize | None = None,
    credentials: HttpCredentials | None = None,
) -> Iterator[Page]:
    """A page that fails the test on any script error, console warning or request leaving the
    registry's origin; `credentials` answer the browser's password prompt (HTTP Basic)."""
    context = browser.new_context(
        base_url=base_url, viewport=viewport or {"width": 1280, "height": 900}, http_credentials=credentials
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda message: _record_console(message, problems))
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("request", lambda request: _record_foreign(request, base_url, problems))
    try:
        yield opened
    finally:
        context.close()
    assert problems == []


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot in test-artifacts/ui/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def _record_console(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in ("error", "warning"):
        problems.append(f"console {message.type}: {message.text}")


def _record_foreign(request: Request, origin: str, problems: list[str]) -> None:
    if not request.url.startswith(origin):
        problems.append(f"request outside the registry: {request.url}")
