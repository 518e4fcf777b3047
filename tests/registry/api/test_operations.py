"""Operating the registry: health checks, Prometheus metrics, and the headers every response carries."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import USER_BREAKING, USER_V1
from tests.support.databases import copy_sqlite


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_requests_by_route_registrations_failures_and_cache_hits(client: TestClient) -> None:
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
    assert client.post("/subjects/users/versions", json={"schema": USER_BREAKING}).status_code == 409
    check = client.post("/compatibility/subjects/users/versions", json={"schema": USER_BREAKING})
    assert check.json() == {"is_compatible": False}
    for _ in range(3):
        assert client.get("/schemas/ids/1").status_code == 200
    assert client.get("/no/such/path/42").status_code == 404

    found = samples(client)
    route = "/subjects/{subject}/versions"
    assert (
        found[("accord_http_requests_total", (("method", "POST"), ("route", route), ("status", "200")))] == 2
    )
    assert (
        found[("accord_http_requests_total", (("method", "POST"), ("route", route), ("status", "409")))] == 1
    )
    assert (
        found[("accord_http_requests_total", (("method", "GET"), ("route", "unmatched"), ("status", "404")))]
        == 1
    )
    assert found[("accord_http_request_duration_seconds_count", (("method", "POST"), ("route", route)))] == 3
    assert found[("accord_schema_registrations_total", ())] == 1
    assert found[("accord_compatibility_failures_total", (("operation", "register"),))] == 1
    assert found[("accord_compatibility_failures_total", (("operation", "check"),))] == 1
    assert found[("accord_cache_lookups_total", (("cache", "schema"), ("result", "hit")))] >= 2
    assert not any("users" in str(labels) for _, labels in found)  # subject names never become labels


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    responses = [
        client.get("/subjects"),
        client.get("/nowhere"),
        client.post("/subjects/x/versions", content=b"{", headers={"Content-Type": "application/json"}),
        client.post("/subjects/x/versions", content=b"x" * (2 * 1024 * 1024)),
        client.get("/health/live"),
    ]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff", response.request.url
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["cache-control"] == "no-store"
    page = client.get("/ui/subjects")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")  # the UI's own policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"  # as on every response (docs/security.md)


def test_readiness_follows_the_database_and_liveness_does_not(sqlite_template: str, tmp_path: Path) -> None:
    url = copy_sqlite(sqlite_template, tmp_path)
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/health/ready").json() == {"status": "UP"}
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE registry_state"))
        engine.dispose()
        down = client.get("/health/ready")
        assert down.status_code == 503
        assert down.json() == {"status": "DOWN"}
        assert client.get("/health/live").status_code == 200
        failure = client.get("/v1/metadata/id")
        assert failure.json() == {"error_code": 50001, "message": "Error in the backend data store"}
        assert "registry_state" not in failure.text
        assert "SELECT" not in failure.text
