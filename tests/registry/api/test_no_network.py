"""No schema makes the registry reach out: references to http(s) or file URLs, in registrations,
compatibility checks and contracts, are refused or stored without ever being fetched."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.registry.api.samples import USER_V1
from tests.support.listener import listening


def test_url_references_cause_no_connection(client: TestClient) -> None:
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
    with listening() as listener:
        answers = []
        for target in (f"{listener.url}/order.json", "file:///etc/passwd"):
            json_schema = json.dumps({"type": "object", "properties": {"order": {"$ref": target}}})
            avro = json.dumps({"type": "record", "name": "User", "fields": [{"name": "id", "type": target}]})
            for body in ({"schema": json_schema, "schemaType": "JSON"}, {"schema": avro}):
                answers.append(client.post("/subjects/users/versions", json=body))
                answers.append(client.post("/compatibility/subjects/users/versions?verbose=true", json=body))
                answers.append(client.post("/subjects/users", json=body))
            expectation = {
                "eventType": "UserCreated",
                "subject": "users",
                "schemaType": "AVRO",
                "schema": {"type": "record", "name": "User", "fields": [{"name": "id", "type": "long"}]},
                "envelope": {"properties": {"source": {"$ref": target}}},
            }
            answers.append(
                client.put(
                    "/contracts/consumers/app/versions/1/expectations", json={"expectations": [expectation]}
                )
            )
    assert listener.connections == []
    assert all(response.status_code < 500 for response in answers)
    assert [response.status_code for response in answers[:2]] == [422, 200]
    assert answers[1].json()["is_compatible"] is False
