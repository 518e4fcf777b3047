"""Subject names holding `/` (Confluent's Protobuf serializers name import subjects so) or `%`, sent
percent-encoded, on every kind of subject route and in every schema format, and on the UI's pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import USER_V1, USER_V2
from tests.registry.api.test_subjects import error_of
from tests.registry.ui.reading import page, visible_text

SCHEMAS = {
    "AVRO": (USER_V1, USER_V2),
    "JSON": ('{"type": "object"}', '{"type": "object", "description": "an address"}'),
    "PROTOBUF": (
        'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; }\n',
        'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; string city = 2; }\n',
    ),
}
NAMES = ["acme/common/address.proto", "100% sure/a%2Fb"]


@pytest.mark.parametrize("schema_type", SCHEMAS)
@pytest.mark.parametrize("name", NAMES)
def test_every_subject_route_takes_an_encoded_name(client: TestClient, schema_type: str, name: str) -> None:
    first, second = ({"schema": text, "schemaType": schema_type} for text in SCHEMAS[schema_type])
    subject = f"/subjects/{quote(name, safe='')}"

    schema_id = client.post(f"{subject}/versions", json=first).json()["id"]

    assert client.get("/subjects").json() == [name]
    assert client.get(f"{subject}/versions").json() == [1]
    assert client.get(f"{subject}/versions/1").json()["subject"] == name
    assert client.post(subject, json=first).json()["id"] == schema_id
    assert client.get(f"/schemas/ids/{schema_id}/versions").json() == [{"subject": name, "version": 1}]
    assert client.put(f"/config/{quote(name, safe='')}", json={"compatibility": "FULL"}).status_code == 200
    assert client.get(f"/config/{quote(name, safe='')}").json()["compatibilityLevel"] == "FULL"
    assert client.put(f"/mode/{quote(name, safe='')}", json={"mode": "READWRITE"}).status_code == 200
    check = client.post(f"/compatibility{subject}/versions/latest", json=second)
    assert check.json() == {"is_compatible": True}
    assert client.post(f"{subject}/versions", json=second).status_code == 200
    assert client.delete(f"{subject}/versions/2").json() == 2
    assert client.delete(subject).json() == [1]
    assert error_of(client.get(f"{subject}/versions")) == (404, 40401)


def test_ui_pages_and_links_take_an_encoded_name(client: TestClient) -> None:
    name = NAMES[0]
    for text in SCHEMAS["PROTOBUF"]:
        body = {"schema": text, "schemaType": "PROTOBUF"}
        assert client.post(f"/subjects/{quote(name, safe='')}/versions", json=body).status_code == 200

    listing = page(client, "/ui/subjects")
    version = visible_text(page(client, "/ui/subjects/acme%2Fcommon%2Faddress.proto/versions/1"))
    diff = visible_text(page(client, "/ui/subjects/acme%2Fcommon%2Faddress.proto/diff?old=1&new=2"))

    assert 'href="/ui/subjects/acme%2Fcommon%2Faddress.proto"' in listing
    assert "message Address" in version
    assert "v2 reads v1 data and v1 reads v2 data" in diff
    assert "added: string city = 2 ;" in diff
