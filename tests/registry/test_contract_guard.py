"""ContractRegistrationGuard, the registration guard the schema registry calls, on SQLite and
PostgreSQL: what registering a version would break, one line per broken consumer expectation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from registry import errors
from registry.compatibility import ParsedSchema, SchemaType, parse_schema
from registry.contract_store import EXPECTATIONS, ContractRegistrationGuard, set_enforcement
from registry.contract_store.guard import check_registration
from registry.contract_store.wire import EventVersions, ExpectationPayload
from registry.db import Database
from tests.registry.api.test_contracts import ORDER_V1, ORDER_WITHOUT_EMAIL, READS_EMAIL


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def publish(database: Database, consumer: str, **overrides: object) -> None:
    expectation = ExpectationPayload.model_validate(
        {"eventType": "OrderCreated", "schemaType": "AVRO", "schema": READS_EMAIL, **overrides}
    )
    with database.write_session() as session:
        EXPECTATIONS.publish(session=session, application=consumer, version="1", documents=[expectation])
        session.commit()


def avro(text: str) -> ParsedSchema:
    return parse_schema(SchemaType.AVRO, text)


def test_each_broken_expectation_is_one_line_and_a_compatible_version_breaks_none(
    database: Database,
) -> None:
    publish(database, "mailer")
    publish(database, "archive", eventVersions=EventVersions(minimum=1, maximum=1))  # not version 2
    guard = ContractRegistrationGuard()

    with database.read_session() as session:
        broken = guard.broken_expectations(
            session=session, subject="OrderCreated", version=2, schema=avro(ORDER_WITHOUT_EMAIL)
        )
        kept = guard.broken_expectations(
            session=session, subject="OrderCreated", version=2, schema=avro(ORDER_V1)
        )
        unread = guard.broken_expectations(
            session=session, subject="payments", version=2, schema=avro(ORDER_WITHOUT_EMAIL)
        )

    assert len(broken) == 1
    assert broken[0].startswith("mailer version 1 (OrderCreated) reads $.data.customerEmail: ")
    assert (kept, unread) == ([], [])


def test_check_registration_refuses_what_the_guard_finds_unless_enforcement_is_off(
    database: Database,
) -> None:
    publish(database, "mailer")
    breaking = {"subject": "OrderCreated", "version": 2, "schema": avro(ORDER_WITHOUT_EMAIL)}

    with database.read_session() as session, pytest.raises(errors.ExpectationBrokenError) as refused:
        check_registration(session=session, **breaking)
    with database.write_session() as session:
        set_enforcement(session=session, subject="OrderCreated", enforce=False)
        session.commit()
    with database.read_session() as session:
        assert ContractRegistrationGuard().broken_expectations(session=session, **breaking) == []
        check_registration(session=session, **breaking)

    assert refused.value.error_code == 40910
