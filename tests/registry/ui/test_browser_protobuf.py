"""Protobuf in a real browser: `accord serve`, a file importing another registered under its import
path (`acme/common/address.proto`), and a person's path from the subject list through the version
(highlighted `.proto`, references) to the diff and on to the imported subject.

Screenshots land in test-artifacts/ui/. The browser and page fixtures are in conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import shoot
from tests.support.servers import running_registry

ADDRESS = 'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; }\n'
ORDER = (
    'syntax = "proto3";\npackage acme;\nimport "acme/common/address.proto";\n'
    "message Order { string id = 1; acme.common.Address ship_to = 2; }\n"
)
REFERENCE = {"name": "acme/common/address.proto", "subject": "acme/common/address.proto", "version": 1}


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("ui-protobuf") / "registry.db"
    with running_registry(f"sqlite:///{database}") as base_url, httpx.Client(base_url=base_url) as api:
        address = {"schema": ADDRESS, "schemaType": "PROTOBUF"}
        api.post("/subjects/acme%2Fcommon%2Faddress.proto/versions", json=address).raise_for_status()
        api.put("/config/orders-value", json={"compatibility": "NONE"}).raise_for_status()
        for text in (ORDER, ORDER.replace("string id = 1;", "int64 id = 1; string note = 3;")):
            body = {"schema": text, "schemaType": "PROTOBUF", "references": [REFERENCE]}
            api.post("/subjects/orders-value/versions", json=body).raise_for_status()
        yield base_url


def test_a_protobuf_subject_to_its_diff_and_its_import(page: Page) -> None:
    page.goto("/ui/subjects?type=PROTOBUF")
    expect(page.get_by_text("2 subjects match.")).to_be_visible()
    page.get_by_role("link", name="orders-value", exact=True).click()
    expect(page.locator(".version .facts")).to_contain_text("PROTOBUF")
    expect(page.locator("#schema-text .tok-kd").first).to_have_text("message")  # highlighted
    expect(page.locator("#schema-text")).to_contain_text("int64 id = 1;")
    shoot(page, "protobuf-01-version")

    page.get_by_role("link", name="Compare with version 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("v1 → v2")
    expect(page.locator("table.verdicts tr", has_text="FULL_TRANSITIVE")).to_contain_text("Incompatible")
    retyped = page.locator("table.changes tr", has_text="FIELD_SCALAR_KIND_CHANGED")
    expect(retyped).to_contain_text("Breaks readers")
    expect(page.locator("table.changes tr", has_text="FIELD_ADDED")).to_contain_text("Compatible")
    retyped.get_by_role("link", name="Show #/Order/1 in the schema").click()
    expect(page.locator("table.diff tr", has=page.locator("td:target"))).to_contain_text("int64 id = 1;")
    shoot(page, "protobuf-02-diff")

    page.get_by_role("link", name="v2", exact=True).first.click()
    page.get_by_role("link", name="acme/common/address.proto v1").click()
    expect(page).to_have_url(
        f"{page.url.split('/ui')[0]}/ui/subjects/acme%2Fcommon%2Faddress.proto/versions/1"
    )
    expect(page.locator("#schema-text")).to_contain_text("message Address")
    expect(page.get_by_role("list", name="Versions that reference this one")).to_contain_text(
        "orders-value v1"
    )
    shoot(page, "protobuf-03-import")
