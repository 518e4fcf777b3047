"""`accord contracts` and the pytest plugin against a registry with authentication on: they send the
credentials of ACCORD_REGISTRY_AUTH (user:password or 'Bearer TOKEN'), and without them they stop
with the registry's refusal, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from registry.cli import app
from tests.contracts.test_plugin import PRODUCER_TESTS
from tests.support.credentials import CredentialsBuilder, basic
from tests.support.servers import running_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order-flow"
CONTRACT = EXAMPLE / "notification-service" / "contracts" / "notification-service.expectations.json"

CREDENTIALS = (
    CredentialsBuilder()
    .user("ci", "ci-password", ("writer", ["*"]))
    .user("viewer", "viewer-password", ("reader", ["*"]))
    .key("deployer", ("writer", ["*"]))
)


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("secured-contracts") / "registry.db"
    environment = {"ACCORD_AUTH_CREDENTIALS": CREDENTIALS.toml()}
    with running_registry(f"sqlite:///{database}", env=environment) as url:
        yield url


def contracts(*arguments: str, credentials: str | None) -> tuple[int, str]:
    environment = {"ACCORD_REGISTRY_AUTH": credentials}
    result = CliRunner().invoke(app, ["contracts", *arguments], env=environment, catch_exceptions=False)
    return result.exit_code, result.output


def published_expectations(url: str, consumer: str, version: str) -> httpx.Response:
    path = f"/contracts/consumers/{consumer}/versions/{version}/expectations"
    return httpx.get(url + path, headers=basic("viewer", "viewer-password"))


def test_publish_sends_basic_credentials(registry_url: str) -> None:
    code, output = contracts(
        "publish", "--expectations", str(CONTRACT), "--version", "n1", "--registry", registry_url,
        credentials="ci:ci-password",
    )  # fmt: skip

    assert code == 0, output
    assert published_expectations(registry_url, "notification-service", "n1").status_code == 200


def test_deployments_and_can_i_deploy_send_a_bearer_token(registry_url: str) -> None:
    token = f"Bearer {CREDENTIALS.tokens['deployer']}"

    recorded = contracts(
        "record-deployment", "billing-service", "b1", "--env", "staging", "--registry", registry_url,
        credentials=token,
    )  # fmt: skip
    answer = contracts(
        "can-i-deploy", "billing-service@b1", "--to", "staging", "--registry", registry_url, credentials=token
    )

    assert recorded == (0, "recorded deployment of billing-service b1 to staging\n")
    assert answer[0] == 2  # the registry's answer, "unknown": this application published no contracts
    assert "billing-service b1 has published no contracts" in answer[1]


def test_without_credentials_the_registry_refusal_is_a_usage_error(registry_url: str) -> None:
    code, output = contracts(
        "publish", "--expectations", str(CONTRACT), "--version", "n2", "--registry", registry_url,
        credentials=None,
    )  # fmt: skip

    assert code == 2
    assert "answered 401" in output
    assert "Traceback" not in output
    assert published_expectations(registry_url, "notification-service", "n2").status_code == 404


def test_a_reader_cannot_publish(registry_url: str) -> None:
    code, output = contracts(
        "record-deployment", "billing-service", "b2", "--env", "staging", "--registry", registry_url,
        credentials="viewer:viewer-password",
    )  # fmt: skip

    assert code == 2
    assert "answered 403" in output


def test_malformed_credentials_are_named(registry_url: str) -> None:
    code, output = contracts(
        "can-i-deploy", "billing-service@b1", "--to", "staging", "--registry", registry_url,
        credentials="no-colon-here",
    )  # fmt: skip

    assert code == 2
    assert "ACCORD_REGISTRY_AUTH: registry credentials must be user:password or 'Bearer TOKEN'" in output


def test_the_plugin_publishes_with_the_credentials(
    registry_url: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_producer=PRODUCER_TESTS)
    monkeypatch.setenv("ACCORD_REGISTRY_AUTH", "ci:ci-password")

    result = pytester.runpytest(
        "--contracts-app", "order-service", "--contracts-version", "o1",
        "--contracts-publish", registry_url, "-p", "no:cacheprovider",
    )  # fmt: skip

    result.assert_outcomes(passed=1)
    samples = httpx.get(
        registry_url + "/contracts/producers/order-service/versions/o1/samples",
        headers=basic("viewer", "viewer-password"),
    )
    assert samples.status_code == 200
    assert [sample["scenario"] for sample in samples.json()["samples"]] == ["test_place_order"]
