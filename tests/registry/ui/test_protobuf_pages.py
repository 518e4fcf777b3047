"""The UI's pages for Protobuf subjects, through create_app on SQLite and PostgreSQL: the `.proto` text
highlighted, references both ways with links to subjects named by import path, and the diff page's
verdict at every level with Confluent's difference names."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.ui.reading import page, visible_text

ADDRESS = 'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; }\n'
ORDER = (
    'syntax = "proto3";\npackage acme;\nimport "acme/common/address.proto";\n'
    "message Order { string id = 1; acme.common.Address ship_to = 2; }\n"
)
REFERENCE = {"name": "acme/common/address.proto", "subject": "acme/common/address.proto", "version": 1}


def register(client: TestClient, subject: str, text: str, references: list[dict[str, object]]) -> None:
    body = {"schema": text, "schemaType": "PROTOBUF", "references": references}
    response = client.post(f"/subjects/{subject}/versions", json=body)
    assert response.status_code == 200, response.text


def test_proto_text_is_highlighted_and_references_link_both_ways(client: TestClient) -> None:
    register(client, "acme%2Fcommon%2Faddress.proto", ADDRESS, [])
    register(client, "orders", ORDER, [REFERENCE])

    order = page(client, "/ui/subjects/orders/versions/1")
    address = page(client, "/ui/subjects/acme%2Fcommon%2Faddress.proto/versions/1")

    assert '<span class="tok-k">syntax</span>' in order
    assert (
        '<span class="tok-kd">message</span><span class="tok-w"> </span><span class="tok-nc">Order</span>'
        in order
    )
    assert '<span class="tok-kt">string</span>' in order
    assert "Type PROTOBUF" in visible_text(order)
    assert 'href="/ui/subjects/acme%2Fcommon%2Faddress.proto/versions/1"' in order
    assert "References acme/common/address.proto : acme/common/address.proto v1" in visible_text(order)
    assert "Referenced by orders v1" in visible_text(address)
    assert 'href="/ui/subjects/orders/versions/1"' in address


def test_the_diff_page_gives_the_verdict_of_every_level(client: TestClient) -> None:
    register(client, "acme%2Fcommon%2Faddress.proto", ADDRESS, [])
    register(client, "orders", ORDER, [REFERENCE])
    assert client.put("/config/orders", json={"compatibility": "NONE"}).status_code == 200
    register(client, "orders", ORDER.replace("string id = 1;", "int64 id = 1;"), [REFERENCE])
    register(client, "orders", ORDER.replace("string id = 1;", "int64 id = 1; string note = 3;"), [REFERENCE])

    changed_page = page(client, "/ui/subjects/orders/diff?old=1&new=2")
    changed = visible_text(changed_page)
    added = visible_text(page(client, "/ui/subjects/orders/diff?old=2&new=3"))

    for level in (
        "BACKWARD",
        "FORWARD",
        "FULL",
        "BACKWARD_TRANSITIVE",
        "FORWARD_TRANSITIVE",
        "FULL_TRANSITIVE",
    ):
        assert f"{level} ✗ Incompatible v1" in changed
    assert "NONE this subject's level ✓ Compatible" in changed
    assert "BACKWARD (new reads old) FIELD_SCALAR_KIND_CHANGED #/Order/1" in changed
    assert "FORWARD (old reads new) FIELD_SCALAR_KIND_CHANGED #/Order/1" in changed
    assert "FULL ✓ Compatible" in added
    assert "FULL_TRANSITIVE ✗ Incompatible v1" in added  # v3 against v1 too
    assert "added: string note = 3 ;" in added
    # every change, compatible or not, links to the line that declares it
    assert "FIELD_SCALAR_KIND_CHANGED #/Order/1 ✗ Breaks readers" in changed
    assert "FIELD_ADDED #/Order/3 ✓ Compatible" in added
    assert 'href="#new-L7"' in changed_page  # line 7 of the stored text: "  int64 id = 1;"
    anchored = changed_page[changed_page.index('id="new-L7"') :]
    assert visible_text(anchored[: anchored.index("</tr>")]).endswith("int64 id = 1 ;")
