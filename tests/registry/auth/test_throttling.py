"""Failed logins are throttled per address and per user name, without touching callers whose
credentials were verified before; request rate limiting per address is configurable; no part of a
credential reaches the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.auth import LoginThrottle
from registry.config import Settings
from registry.web.rate_limit import RateLimiter
from tests.support.credentials import CredentialsBuilder, basic
from tests.support.databases import migrated_sqlite

CREDENTIALS = (
    CredentialsBuilder()
    .user("alice", "alice-password", ("writer", ["*"]))
    .user("bob", "bob-password", ("reader", ["*"]))
    .toml()
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_refuses_after_the_allowed_failures_until_the_window_ends() -> None:
    clock = Clock()
    throttle = LoginThrottle(allowed_failures=3, window_seconds=60, clock=clock)

    for _ in range(2):
        throttle.record_failure(address="10.0.0.1", name="alice")
    assert throttle.retry_after(address="10.0.0.1", name="alice") is None
    throttle.record_failure(address="10.0.0.1", name="alice")

    assert throttle.retry_after(address="10.0.0.1", name="alice") == 60
    assert throttle.retry_after(address="10.0.0.1", name="carol") == 60  # the address is throttled
    assert throttle.retry_after(address="10.0.0.2", name="alice") == 60  # and so is the name
    assert throttle.retry_after(address="10.0.0.2", name="carol") is None
    clock.now += 59.5
    assert throttle.retry_after(address="10.0.0.1", name="alice") == 1
    clock.now += 1
    assert throttle.retry_after(address="10.0.0.1", name="alice") is None


def test_the_throttle_forgets_the_oldest_entries_beyond_its_bound() -> None:
    throttle = LoginThrottle(allowed_failures=1, window_seconds=60, max_tracked=4)

    for number in range(10):
        throttle.record_failure(address=f"10.0.0.{number}", name=None)

    assert throttle.retry_after(address="10.0.0.0", name=None) is None
    assert throttle.retry_after(address="10.0.0.9", name=None) == 60


def test_the_rate_limiter_admits_a_burst_then_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, clock=clock)

    assert [limiter.retry_after("a") for _ in range(4)] == [None, None, None, 1]
    assert limiter.retry_after("b") is None  # another address has its own bucket
    clock.now += 0.5
    assert limiter.retry_after("a") is None
    assert limiter.retry_after("a") == 1


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return migrated_sqlite(tmp_path)


def app_for(database_url: str, **settings: object) -> TestClient:
    options = {"database_url": database_url, "auth_credentials": CREDENTIALS, "login_failures_allowed": 3}
    return TestClient(create_app(Settings(**{**options, **settings})), client=("192.0.2.7", 5000))


def test_wrong_passwords_from_an_address_get_429_and_a_cached_login_is_not_slowed(database_url: str) -> None:
    with app_for(database_url) as client:
        assert client.get("/subjects", headers=basic("bob", "bob-password")).status_code == 200
        answers = [client.get("/subjects", headers=basic("alice", f"guess-{n}")) for n in range(5)]

        assert [answer.status_code for answer in answers] == [401, 401, 401, 429, 429]
        assert answers[-1].json()["error_code"] == 429
        assert 0 < int(answers[-1].headers["Retry-After"]) <= 60
        # A credential verified before is answered from the cache, throttle or not.
        assert client.get("/subjects", headers=basic("bob", "bob-password")).status_code == 200
        # The right password of a user not logged in yet waits too: the address is throttled.
        assert client.get("/subjects", headers=basic("alice", "alice-password")).status_code == 429


def test_wrong_passwords_for_one_user_from_many_addresses_throttle_that_user(database_url: str) -> None:
    settings = Settings(database_url=database_url, auth_credentials=CREDENTIALS, login_failures_allowed=3)
    app = create_app(settings)
    statuses = []
    for number in range(5):
        with TestClient(app, client=(f"198.51.100.{number}", 5000)) as client:
            statuses.append(client.get("/subjects", headers=basic("alice", f"guess-{number}")).status_code)
    with TestClient(app, client=("203.0.113.1", 5000)) as client:
        other_user = client.get("/subjects", headers=basic("bob", "bob-password")).status_code

    assert statuses == [401, 401, 401, 429, 429]
    assert other_user == 200


def test_no_part_of_a_credential_is_logged(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with app_for(database_url) as client, caplog.at_level(logging.WARNING, logger="registry.auth"):
        client.get("/subjects", headers={"Authorization": "Basic\tYWxpY2U6c2VjcmV0LXBhc3N3b3Jk"})
        client.get("/subjects", headers={"Authorization": "Basic YWxpY2U6d3Jvbmc="})

    logged = [(record.getMessage(), getattr(record, "scheme", None)) for record in caplog.records]
    assert logged == [("authentication failed", "other"), ("authentication failed", "basic")]
    recorded = " ".join(str(vars(record)) for record in caplog.records)
    assert "YWxp" not in recorded
    assert "alice" not in recorded


def test_the_rate_limit_answers_429_with_retry_after_and_spares_health_checks(database_url: str) -> None:
    settings = Settings(database_url=database_url, rate_limit=1, rate_limit_burst=2)
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/subjects") for _ in range(3)]
        health = [client.get("/health/live").status_code for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[-1].json() == {
        "error_code": 429,
        "message": "Too many requests from this address: try again in 1 s (ACCORD_RATE_LIMIT)",
    }
    assert answers[-1].headers["Retry-After"] == "1"
    assert health == [200] * 5


def test_without_a_rate_limit_nothing_is_limited(database_url: str) -> None:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        assert {client.get("/subjects").status_code for _ in range(50)} == {200}
