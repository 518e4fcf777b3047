"""JSON Schema on every UI page (no browser), on SQLite and PostgreSQL: highlighted and pretty-printed,
its references both ways, and a diff listing every change the JSON Schema engine finds, each linked to
its line of the side-by-side view."""

from __future__ import annotations

import html
import json
import re

from fastapi.testclient import TestClient

from registry.compatibility import SchemaType
from registry.compatibility.reports import locate
from registry.ui.highlight import pretty_schema
from tests.registry.ui.test_pages import page, visible_text

ORDER_V1 = {
    "title": "OrderCreated",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "total": {"type": "number"}},
    "required": ["orderId"],
}
ORDER_V2 = {
    "title": "OrderCreated",
    "description": "An order was placed",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "total": {"type": "string"}, "note": {}},
    "required": ["orderId"],
}
ADDRESS = {"type": "object", "properties": {"city": {"type": "string"}}}
CUSTOMER = {"type": "object", "properties": {"home": {"$ref": "address.json"}}}


def shown_schema(page_html: str) -> str:
    """The text of the page's schema block, as it reads and copies (highlighting spans dropped)."""
    code = re.search(r'<code id="schema-text">(.*?)</code>', page_html, flags=re.DOTALL)
    assert code is not None
    return html.unescape(re.sub(r"<[^>]+>", "", code.group(1))).rstrip("\n")


def register(client: TestClient, subject: str, schema: dict, **extra: object) -> int:
    body = {"schema": json.dumps(schema), "schemaType": "JSON", **extra}
    response = client.post(f"/subjects/{subject}/versions", json=body)
    assert response.status_code == 200, response.text
    schema_id: int = response.json()["id"]
    return schema_id


def test_a_json_version_is_pretty_printed_and_highlighted(client: TestClient) -> None:
    register(client, "orders-value", ORDER_V1)

    version = page(client, "/ui/subjects/orders-value/versions/1")

    assert "Type JSON" in visible_text(version)
    assert shown_schema(version) == json.dumps(ORDER_V1, indent=2)
    # JSON keys and strings carry Pygments' token classes
    assert '<span class="tok-nt">&#34;properties&#34;</span>' in version
    assert '<span class="tok-s2">&#34;object&#34;</span>' in version
    listing = visible_text(page(client, "/ui/subjects?type=json"))
    assert "orders-value" in listing
    assert "orders-value" not in visible_text(page(client, "/ui/subjects?type=AVRO"))


def test_json_references_link_both_ways_and_the_schema_page_names_its_versions(client: TestClient) -> None:
    register(client, "address", ADDRESS)
    reference = {"name": "address.json", "subject": "address", "version": 1}
    customer_id = register(client, "customer-value", CUSTOMER, references=[reference])

    customer = page(client, "/ui/subjects/customer-value")
    address = page(client, "/ui/subjects/address")
    schema_page = page(client, f"/ui/schemas/{customer_id}")
    schema = visible_text(schema_page)

    assert "address.json : address v1" in visible_text(customer)
    assert 'href="/ui/subjects/address/versions/1"' in customer
    assert "customer-value v1" in visible_text(address)
    assert f"Schema {customer_id}" in schema
    assert "JSON" in schema
    assert "customer-value v1 live" in schema
    assert shown_schema(schema_page) == json.dumps(CUSTOMER, indent=2)


def test_a_json_diff_lists_every_change_with_its_verdict_and_line(client: TestClient) -> None:
    register(client, "orders-value", ORDER_V1)
    client.put("/config/orders-value", json={"compatibility": "NONE"})
    register(client, "orders-value", ORDER_V2)

    diff = page(client, "/ui/subjects/orders-value/diff")
    text = visible_text(diff)

    assert "Changes from v1 to v2" in text
    assert "Under STRICT" in text
    rows = re.findall(r'<tr class="change-(ok|bad)">(.*?)</tr>', diff, flags=re.DOTALL)
    changes = {re.search(r"<code>([A-Z_]+)</code>", row).group(1): verdict for verdict, row in rows}
    assert changes == {
        "DESCRIPTION_CHANGED": "ok",
        "TYPE_CHANGED": "bad",
        "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL": "ok",
    }
    assert "TYPE_CHANGED #/properties/total ✗ Breaks readers A type at path '#/properties/total'" in text
    # every path links to its line of the new version in the side-by-side view
    new_text = pretty_schema(json.dumps(ORDER_V2), SchemaType.JSON)
    line = locate(new_text, "#/properties/total")[0]
    assert f'href="#new-L{line}" aria-label="Show #/properties/total in the schema"' in diff
    assert f'id="new-L{line}"' in diff
    assert re.search(rf'id="new-L{line}">{line}</td><td class="code-cell new">.*total', diff)
    # the incompatibilities table links its paths the same way
    assert "BACKWARD (new reads old) TYPE_CHANGED #/properties/total" in text


def test_the_policy_of_the_subject_decides_the_verdict_of_each_change(client: TestClient) -> None:
    register(client, "orders-value", ORDER_V1)
    typed_note = {**ORDER_V1, "properties": {**ORDER_V1["properties"], "note": {"type": "string"}}}
    client.put("/config/orders-value", json={"compatibilityPolicy": "LENIENT"})
    register(client, "orders-value", typed_note)

    lenient = visible_text(page(client, "/ui/subjects/orders-value/diff"))
    client.put("/config/orders-value", json={"compatibilityPolicy": "STRICT"})
    strict = visible_text(page(client, "/ui/subjects/orders-value/diff"))

    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/note ✓ Compatible" in lenient
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/note ✗ Breaks readers" in strict


def test_an_avro_diff_has_no_json_change_list(client: TestClient) -> None:
    from tests.registry.api.samples import USER_V1, USER_V2

    for schema in (USER_V1, USER_V2):
        assert client.post("/subjects/users-value/versions", json={"schema": schema}).status_code == 200

    assert "Changes from" not in visible_text(page(client, "/ui/subjects/users-value/diff"))
