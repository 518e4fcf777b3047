"""The rules every request meets before routing, on both backends: characters the databases cannot
store are refused with 400 everywhere, and browsers cannot make changes from another site's page."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import USER_V1
from tests.registry.api.test_subjects import error_of, register
from tests.support.credentials import CredentialsBuilder, basic
from tests.support.databases import row_counts

NUL_IN_PATHS_AND_QUERIES = [
    ("GET", "/subjects/a%00b/versions"),
    ("GET", "/subjects/a%00b/versions/1"),
    ("POST", "/subjects/a%00b/versions"),
    ("DELETE", "/subjects/a%00b"),
    ("GET", "/config/a%00b"),
    ("PUT", "/mode/a%00b"),
    ("POST", "/compatibility/subjects/a%00b/versions"),
    ("GET", "/subjects?subjectPrefix=a%00"),
    ("GET", "/schemas?subjectPrefix=a%00"),
    ("GET", "/schemas/ids/1/versions?subject=a%00"),
    ("GET", "/audit?subject=a%00"),
    ("GET", "/audit?principal=a%00&action=b"),
    ("GET", "/contracts/deployments?environment=prod%00"),
    ("GET", "/contracts/can-i-deploy?application=a%00&version=1&environment=prod"),
    ("GET", "/contracts/expectations?eventType=A%00"),
    ("GET", "/contracts/consumers/a%00/versions/1/expectations"),
    ("PUT", "/contracts/subjects/a%00/enforcement"),
    ("GET", "/ui/subjects/a%00b"),
    ("GET", "/ui/subjects?prefix=a%00"),
]


@pytest.mark.parametrize(("method", "path"), NUL_IN_PATHS_AND_QUERIES)
def test_a_nul_in_the_path_or_query_is_refused_alike_on_both_backends(
    client: TestClient, database_url: str, method: str, path: str
) -> None:
    register(client, "orders", USER_V1)
    before = row_counts(database_url)

    response = client.request(method, path, json={"schema": USER_V1, "mode": "READONLY", "enforce": False})

    assert error_of(response) == (400, 400)
    assert "NUL" in response.json()["message"]
    assert row_counts(database_url) == before


NUL_IN_BODIES = [
    (
        "/subjects/s/versions",
        {"schema": USER_V1, "references": [{"name": "a\x00", "subject": "s", "version": 1}]},
    ),
    ("/subjects/s/versions", {"schema": USER_V1, "metadata": {"properties": {"owner": "a\x00"}}}),
    ("/subjects/s", {"schema": USER_V1, "references": [{"name": "n", "subject": "a\x00", "version": 1}]}),
    (
        "/contracts/deployments",
        {"application": "billing\x00", "version": "1", "environment": "production"},
    ),
    (
        "/contracts/results",
        {"producer": "p\x00", "producerVersion": "1", "consumer": "c", "consumerVersion": "1"},
    ),
]


@pytest.mark.parametrize(("path", "body"), NUL_IN_BODIES)
def test_a_nul_in_a_json_body_string_is_refused_alike_on_both_backends(
    client: TestClient, database_url: str, path: str, body: dict[str, object]
) -> None:
    register(client, "s", USER_V1)
    before = row_counts(database_url)

    response = client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})

    assert error_of(response) == (400, 400)
    assert "NUL" in response.json()["message"]
    assert row_counts(database_url) == before


def test_a_lone_surrogate_in_a_json_body_is_refused_and_a_pair_is_kept(client: TestClient) -> None:
    lone = b'{"schema": "\\"string\\"", "metadata": {"properties": {"owner": "\\ud800"}}}'
    pair = b'{"schema": "\\"string\\"", "metadata": {"properties": {"owner": "\\ud83d\\ude00"}}}'

    refused = client.post("/subjects/s/versions", content=lone, headers={"Content-Type": "application/json"})
    kept = client.post("/subjects/s/versions", content=pair, headers={"Content-Type": "application/json"})

    assert error_of(refused) == (400, 400)
    assert "surrogate" in refused.json()["message"]
    assert kept.status_code == 200
    version = client.get("/subjects/s/versions/1").json()
    assert version["metadata"]["properties"]["owner"] == "\U0001f600"


def test_an_escaped_nul_inside_the_schema_text_is_the_schema_s_own_business(client: TestClient) -> None:
    # The schema text is a JSON string holding JSON: its own escape arrives as \\u0000 in the body.
    schema = json.dumps({"type": "string", "const": "\x00"})

    response = client.post("/subjects/nul-const/versions", json={"schema": schema, "schemaType": "JSON"})

    assert response.status_code == 200, response.text
    assert json.loads(client.get("/subjects/nul-const/versions/1/schema").text)["const"] == "\x00"


CROSS_SITE_HEADERS = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another port of localhost is the same site, another origin
    {"Origin": "http://evil.example"},
    {"Origin": "http://localhost:3000"},
    {"Origin": "null"},
]


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no query involved


@SQLITE_ONLY
@pytest.mark.parametrize("headers", CROSS_SITE_HEADERS)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/subjects/s/versions", json.dumps({"schema": USER_V1})),
        ("PUT", "/config", json.dumps({"compatibility": "NONE"})),
        ("DELETE", "/subjects/orders", None),
        (
            "POST",
            "/contracts/deployments",
            json.dumps({"application": "a", "version": "1", "environment": "e"}),
        ),
    ],
)
def test_a_browser_cannot_change_the_registry_from_another_site_s_page(
    client: TestClient,
    database_url: str,
    headers: dict[str, str],
    method: str,
    path: str,
    body: str | None,
) -> None:
    register(client, "orders", USER_V1)
    before = row_counts(database_url)

    # The request fetch(..., {mode: "no-cors"}) sends: no Content-Type, the browser's own labels.
    response = client.request(method, path, content=body, headers={"Host": "localhost:8081", **headers})

    assert error_of(response) == (403, 403)
    assert "another" in response.json()["message"]
    assert row_counts(database_url) == before


@SQLITE_ONLY
@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, confluent-kafka, Accord's client: no browser labels
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost:8081"},  # the registry's own pages
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
        {"Origin": "http://LOCALHOST:8081"},
    ],
)
def test_clients_and_the_registry_s_own_pages_still_make_changes(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post(
        "/subjects/s/versions",
        content=json.dumps({"schema": USER_V1}),
        headers={"Host": "localhost:8081", **headers},
    )

    assert response.status_code == 200, response.text


@SQLITE_ONLY
def test_reads_from_another_site_are_not_refused(client: TestClient) -> None:
    response = client.get(
        "/subjects", headers={"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}
    )

    assert response.status_code == 200


def test_cross_site_writes_are_refused_with_authentication_on_too(database_url: str) -> None:
    credentials = CredentialsBuilder().user("root", "root-password", ("admin", ["*"])).toml()
    settings = Settings(database_url=database_url, auth_credentials=credentials)
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/subjects/s/versions",
            content=json.dumps({"schema": USER_V1}),
            headers={"Sec-Fetch-Site": "cross-site", **basic("root", "root-password")},
        )

    assert error_of(response) == (403, 403)
