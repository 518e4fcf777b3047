"""PostgreSQL unreachable for a while (through a proxy that is cut, then stalls; the shared server is
never touched): requests fail fast with 50001/50002, readiness turns false, and the registry recovers by
itself once the database is back."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from registry import migrations
from tests.registry.reliability.load import avro
from tests.support.databases import postgres_database
from tests.support.proxy import proxy_to
from tests.support.servers import start_registry, stop_registry

FAIL_FAST_SECONDS = 15  # a request may take at most this long (httpx gives up after it): no hanging


def assert_down_from_the_first_request(client: httpx.Client) -> None:
    """Right after the pooled connections died: readiness is 503 from the first check on (never 500),
    and the web UI answers an HTML page, not the API's JSON."""
    assert [client.get("/health/ready").status_code for _ in range(3)] == [503, 503, 503]
    page = client.get("/ui/subjects")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "database does not answer" in page.text


def assert_fails_fast(client: httpx.Client) -> None:
    answers = [
        client.get("/subjects"),
        client.post("/subjects/outage/versions", json={"schema": avro("Outage", "during")}),
        client.get("/config"),
    ]
    for response in answers:
        assert response.status_code == 500, response.text
        assert response.json()["error_code"] in (50001, 50002)
        assert "psycopg" not in response.text
        assert "SELECT" not in response.text
    ready = client.get("/health/ready")
    assert (ready.status_code, ready.json()) == (503, {"status": "DOWN"})
    assert client.get("/health/live").status_code == 200


def wait_until_ready(client: httpx.Client, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while client.get("/health/ready").status_code != 200:
        assert time.monotonic() < deadline, "the registry did not recover by itself"
        time.sleep(0.2)


def test_the_registry_fails_fast_during_an_outage_and_recovers_by_itself(tmp_path: Path) -> None:
    with postgres_database("accord_outage") as direct_url, proxy_to("127.0.0.1", 5432) as proxy:
        migrations.upgrade(direct_url)
        proxied = make_url(direct_url).set(port=proxy.port).render_as_string(hide_password=False)
        settings = {"ACCORD_DB_TIMEOUT_SECONDS": "3", "ACCORD_DB_CONNECT_TIMEOUT_SECONDS": "2"}
        with (tmp_path / "server.log").open("wb") as log:
            process, base_url = start_registry(proxied, migrate=False, env=settings, log=log)
            try:
                with httpx.Client(base_url=base_url, timeout=FAIL_FAST_SECONDS) as client:
                    before = client.post(
                        "/subjects/outage/versions", json={"schema": avro("Outage", "before")}
                    )
                    assert before.status_code == 200
                    assert client.get("/health/ready").status_code == 200
                    assert client.get("/ui/subjects").status_code == 200  # the pool holds connections

                    proxy.cut()  # connections dropped, port closed
                    assert_down_from_the_first_request(client)
                    assert_fails_fast(client)
                    proxy.stall()  # connections accepted, never answered
                    assert_fails_fast(client)

                    proxy.restore()
                    wait_until_ready(client)
                    after = client.post("/subjects/outage/versions", json={"schema": avro("Outage", "after")})
                    assert after.status_code == 200
                    assert client.get("/subjects/outage/versions").json() == [1, 2]
            finally:
                stop_registry(process)
