"""The contract and audit pages end to end in a real browser.

The order flow is published the way CI publishes it, with `accord contracts` against a running
`accord serve`; a person then clicks from a subject to its contracts, reads the matrix and a pair's
findings, and asks can-i-deploy, which must answer what the CLI answers. A second registry runs with
authentication on: the browser's password prompt (HTTP Basic) is answered, and the audit page shows
who changed what. Screenshots land in test-artifacts/ui/.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError
from typer.testing import CliRunner

from registry.cli import app
from tests.registry.api.samples import USER_V1
from tests.registry.ui.order_flow import (
    BREAKING_ORDER_CREATED,
    CONSUMERS,
    EXAMPLE,
    ORDER_SERVICE,
    register_schemas,
)
from tests.support.browser import shoot, watched_page
from tests.support.credentials import CredentialsBuilder
from tests.support.servers import running_registry

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("reader", "reader-password", ("reader", ["users-*"]))
)


def accord(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["contracts", *arguments], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The order flow as CI publishes it: consumers deployed, order-service p1 verified and deployed,
    p3 (with a breaking OrderCreated) verified and refused by notification-service's expectation."""
    database = tmp_path_factory.mktemp("ui-contracts") / "registry.db"
    with running_registry(f"sqlite:///{database}") as url, httpx.Client(base_url=url) as api:
        register_schemas(api)
        for consumer, version in CONSUMERS:
            contract = EXAMPLE / consumer / "contracts" / f"{consumer}.expectations.json"
            assert (
                accord("publish", "--expectations", str(contract), "--version", version, "--registry", url)[0]
                == 0
            )
            assert (
                accord("record-deployment", consumer, version, "--env", "production", "--registry", url)[0]
                == 0
            )
        samples = str(ORDER_SERVICE / "contracts" / "order-service.samples.json")
        verify = (
            "verify",
            "--producer",
            "order-service",
            "--samples",
            samples,
            "--registry",
            url,
            "--publish",
        )
        assert accord(*verify, "--version", "p1")[0] == 0
        assert (
            accord("record-deployment", "order-service", "p1", "--env", "production", "--registry", url)[0]
            == 0
        )
        assert (
            accord(*verify, "--version", "p3", "--schema", f"OrderCreated={BREAKING_ORDER_CREATED}")[0] == 1
        )
        yield url


@pytest.fixture(scope="module")
def secured_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("ui-secured") / "registry.db"
    environment = {"ACCORD_AUTH_CREDENTIALS": CREDENTIALS.toml()}
    with (
        running_registry(f"sqlite:///{database}", env=environment) as url,
        httpx.Client(base_url=url, auth=("root", "root-password")) as api,
    ):
        api.post("/subjects/users-value/versions", json={"schema": USER_V1}).raise_for_status()
        api.put("/config/users-value", json={"compatibility": "FULL"}).raise_for_status()
        api.post("/subjects/payments-value/versions", json={"schema": USER_V1}).raise_for_status()
        api.put("/mode", json={"mode": "READONLY"}).raise_for_status()
        yield url


def test_from_a_subject_to_its_contracts_the_matrix_and_a_pairs_findings(page: Page) -> None:
    page.goto("/ui/subjects")
    page.get_by_role("link", name="OrderCreated", exact=True).click()
    expect(page.locator("dl[aria-label=Contracts] dd").last).to_contain_text(
        "on the default for a subject consumers expect"
    )

    page.get_by_role("link", name="Contracts of OrderCreated").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OrderCreated")
    matrix = page.locator("table.matrix")
    expect(matrix.locator("tbody tr")).to_have_count(2)
    expect(matrix.locator("thead th")).to_have_count(3)
    failed = matrix.locator("td.cell-failure")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("schema-expectation (1)")
    expect(failed.locator("details")).to_contain_text("Field 'customerEmail'")  # open: a failure is shown
    expect(matrix.locator("td.cell-success")).to_have_count(3)
    expect(page.locator("section", has=page.get_by_role("heading", name="Deployed now"))).to_contain_text(
        "order-service p1 produces"
    )
    shoot(page, "07-event-type")

    failed.get_by_role(
        "link", name="Every finding of order-service p3 against notification-service notif-1"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "order-service p3 → notification-service notif-1"
    )
    expect(page.locator("table.findings")).to_contain_text("READER_FIELD_MISSING_DEFAULT_VALUE")
    shoot(page, "08-pair")

    page.get_by_role("link", name="OrderCreated", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OrderCreated")


@pytest.mark.parametrize(("version", "code"), [("p3", 1), ("p1", 0), ("p9", 2)])
def test_can_i_deploy_answers_what_the_cli_answers(
    page: Page, registry_url: str, version: str, code: int
) -> None:
    exit_code, output = accord(
        "can-i-deploy", f"order-service@{version}", "--to", "production", "--registry", registry_url
    )
    assert exit_code == code
    # the CLI's answer line (logging from earlier tests in the same process may trail it)
    cli_answer = next(line for line in output.splitlines() if line.startswith(("yes: ", "no: ", "unknown: ")))

    page.goto("/ui/contracts")
    page.get_by_label("Application", exact=True).fill("order-service")
    page.get_by_label("Version", exact=True).fill(version)
    page.get_by_label("Environment", exact=True).fill("production")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"can order-service {version} be deployed to production?"
    )
    expect(page.locator(".answer-verdict")).to_have_text(cli_answer)
    expect(page.locator(".answer")).to_contain_text(f"exits {code}.")
    rows = page.locator("table.deploy-matrix tbody tr")
    expect(rows).to_have_count(0 if version == "p9" else 2)
    if version == "p3":
        expect(rows.filter(has_text="notification-service")).to_contain_text("✗ failed")
        shoot(page, "09-can-i-deploy")
        rows.filter(has_text="notification-service").get_by_role("link").click()
        expect(page.locator("table.findings")).to_contain_text("customerEmail")


def test_the_matrix_scrolls_inside_its_box_on_a_phone(browser: Browser, registry_url: str) -> None:
    with watched_page(browser, registry_url, viewport={"width": 390, "height": 844}) as phone:
        phone.goto("/ui/contracts/event-types/OrderCreated")
        expect(phone.locator("table.matrix")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(phone, "10-event-type-phone")


def test_the_browser_asks_for_a_password_and_the_audit_log_answers_who_changed_what(
    browser: Browser, secured_url: str
) -> None:
    # Without credentials the browser gets Basic's challenge (a person sees the password prompt;
    # headless Chromium has nobody to ask and gives up).
    stranger = browser.new_context(base_url=secured_url)
    prompt = stranger.new_page()
    with (
        prompt.expect_response(lambda response: response.url.endswith("/ui/audit")) as challenge,
        pytest.raises(PlaywrightError, match="ERR_INVALID_AUTH_CREDENTIALS"),
    ):
        prompt.goto("/ui/audit")
    assert challenge.value.status == 401
    assert (challenge.value.header_value("www-authenticate") or "").startswith('Basic realm="accord"')
    stranger.close()

    reader = browser.new_context(
        base_url=secured_url, http_credentials={"username": "reader", "password": "reader-password"}
    )
    forbidden = reader.new_page()
    answer = forbidden.goto("/ui/audit")
    assert answer is not None
    assert answer.status == 403
    expect(forbidden.locator(".error-message")).to_contain_text("needs the admin role on any subject")
    reader.close()

    credentials = {"username": "root", "password": "root-password"}
    with watched_page(browser, secured_url, credentials=credentials) as page:
        page.goto("/ui/subjects")
        page.get_by_role("link", name="Audit log").click()
        rows = page.locator("table.audit tbody tr")
        expect(rows).to_have_count(4)
        expect(rows.first).to_contain_text("root mode.update")
        expect(rows.last).to_contain_text("schema.register users-value")
        shoot(page, "11-audit")

        page.get_by_label("Subject").fill("users-value")
        page.get_by_role("button", name="Filter").click()
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("config.update users-value compatibility FULL")
        page.get_by_role("link", name="users-value").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("users-value")
