"""The root, contexts, metadata, health checks and content negotiation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from registry.logs import JsonFormatter, RequestIdFilter


def test_root_and_contexts(client: TestClient) -> None:
    assert client.get("/").json() == {}
    assert client.get("/contexts").json() == ["."]


def test_metadata_id_and_version(client: TestClient) -> None:
    scope = client.get("/v1/metadata/id").json()["scope"]

    assert scope["path"] == []
    assert scope["clusters"]["schema-registry-cluster"] == "schema-registry"
    assert len(scope["clusters"]["kafka-cluster"]) == 36
    assert client.get("/v1/metadata/version").json()["version"]


def test_health_checks(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "UP"}
    assert client.get("/health/ready").json() == {"status": "UP"}


def test_responses_follow_the_accept_header(client: TestClient) -> None:
    def content_type(accept: str) -> str:
        response = client.get("/config", headers={"accept": accept})
        assert response.status_code == 200
        return response.headers["content-type"]

    assert content_type("*/*") == "application/vnd.schemaregistry.v1+json"
    assert content_type("application/json") == "application/json"
    assert content_type("application/vnd.schemaregistry+json") == "application/vnd.schemaregistry+json"
    assert (
        content_type("application/json;q=0.9, application/vnd.schemaregistry+json;q=0.5")
        == "application/json"
    )
    refused = client.get("/config", headers={"accept": "text/html"})
    assert refused.status_code == 406
    assert refused.json() == {"error_code": 406, "message": "HTTP 406 Not Acceptable"}


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    assert len(client.get("/").headers["x-request-id"]) == 32
    assert client.get("/", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"


def test_an_unexpected_failure_is_a_confluent_500_logged_with_the_request_id(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)

    def broken(**_: object) -> str:
        raise RuntimeError("the database driver fell over")

    app.state.services.settings.cluster_id = broken
    caplog.handler.addFilter(RequestIdFilter())
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/metadata/id", headers={"x-request-id": "request-7"})

    assert response.status_code == 500
    assert response.json() == {"error_code": 500, "message": "Internal Server Error"}
    failure = next(record for record in caplog.records if record.name == "registry.errors")
    assert failure.request_id == "request-7"  # type: ignore[attr-defined]
    assert "request-7" in JsonFormatter().format(failure)
