"""Session lifetime belongs to the request's unit of work: the services only flush.

Every service is called here with sessions that refuse to be committed, rolled back or closed; the
test ends each transaction itself, as the unit of work does. And the registration's unit of work
gives the reader back before the writer's step begins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from sqlmodel import Session

from registry import errors
from registry.app import build_services
from registry.config import Settings
from registry.db import Database
from registry.schemas import NO_GUARD, PreparedRegistration, RegisterResult, SchemaSubmission, SubjectQuery
from registry.web.dependencies import Services, in_registration
from tests.registry.api.samples import USER_BREAKING, USER_V1, USER_V2


class HandedSession(Session):
    """A session handed to a service: ending its transaction or closing it is the caller's job."""

    def commit(self) -> None:
        raise AssertionError("a service committed a session it was handed")

    def rollback(self) -> None:
        raise AssertionError("a service rolled back a session it was handed")

    def close(self) -> None:
        raise AssertionError("a service closed a session it was handed")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def services(database_url: str) -> Services:
    return build_services(settings=Settings(database_url=database_url), metrics=None, guard=NO_GUARD)


def handed(database: Database, function: Callable[[Session], Any], *, write: bool) -> Any:
    """`function(session)` on a session the test owns: committed after it returns, rolled back if it
    raises, and closed, all by the test."""
    engine = database.write_engine if write else database.lookup_engine
    session = HandedSession(engine, expire_on_commit=False, autoflush=False)
    try:
        result = function(session)
        if session.in_transaction():
            Session.commit(session)
        return result
    except BaseException:
        if session.in_transaction():
            Session.rollback(session)
        raise
    finally:
        Session.close(session)


def register(database: Database, services: Services, subject: str, text: str) -> RegisterResult:
    submission = SchemaSubmission(text=text)
    prepared: PreparedRegistration = handed(
        database,
        lambda reader: services.registration.prepare(
            session=reader, subject=subject, submission=submission, normalize=False
        ),
        write=False,
    )
    if prepared.registered is not None:
        return prepared.registered
    result: RegisterResult = handed(
        database,
        lambda writer: services.registration.register_new(
            session=writer, subject=subject, submission=submission, prepared=prepared
        ),
        write=True,
    )
    return result


def test_no_service_ends_or_closes_a_session_it_was_handed(database: Database, services: Services) -> None:
    created = register(database, services, "users", USER_V1)
    assert created.created
    assert register(database, services, "users", USER_V1) == RegisterResult(created.schema_id, 1)
    assert register(database, services, "users", USER_V2).version == 2
    with pytest.raises(errors.IncompatibleSchemaError):
        register(database, services, "users", USER_BREAKING)

    def read(session: Session) -> None:
        lookup = services.lookup
        assert lookup.get_version(session=session, subject="users", version="2", include_deleted=False)
        assert lookup.get_schema(session=session, schema_id=created.schema_id).id == created.schema_id
        assert lookup.subjects_of_schema(session=session, schema_id=created.schema_id, include_deleted=False)
        verdict = services.checker.check_submission(
            session=session,
            subject="users",
            version=None,
            submission=SchemaSubmission(text=USER_BREAKING),
            normalize=False,
            verbose=True,
        )
        assert not verdict.is_compatible
        assert services.views.browse_subjects(session=session, query=SubjectQuery()).total == 1
        assert services.views.compare_versions(session=session, subject="users", old="1", new="2")
        assert services.output_formats.get_schema_in_format(
            session=session, schema_id=created.schema_id, format="resolved"
        )
        assert services.settings.subject_settings(session=session, subject="users")

    handed(database, read, write=False)
    settings = services.settings
    handed(
        database,
        lambda writer: settings.set_config(
            session=writer, subject="users", level="FULL", policy=None, normalize=True
        ),
        write=True,
    )
    handed(database, lambda writer: settings.delete_config(session=writer, subject="users"), write=True)
    deletion = services.deletion
    handed(
        database,
        lambda writer: deletion.delete_subject(session=writer, subject="users", permanent=False),
        write=True,
    )
    # Entering IMPORT purges the soft-deleted versions (ImportPurge, through the settings).
    handed(
        database,
        lambda writer: settings.set_mode(session=writer, subject=None, mode="IMPORT", force=False),
        write=True,
    )
    handed(database, lambda writer: settings.delete_mode(session=writer, subject=None), write=True)
    with pytest.raises(errors.SubjectNotFoundError):
        handed(
            database,
            lambda writer: deletion.delete_subject(session=writer, subject="users", permanent=True),
            write=True,
        )


class RecordedSession:
    """Stands in for a session in the unit of work's test: records what is done with it."""

    def __init__(self, name: str, events: list[str]) -> None:
        self.name = name
        self.events = events

    def __enter__(self) -> RecordedSession:
        self.events.append(f"{self.name} opened")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.events.append(f"{self.name} closed")

    def commit(self) -> None:
        self.events.append(f"{self.name} committed")

    def rollback(self) -> None:
        self.events.append(f"{self.name} rolled back")


def registration_request(events: list[str]) -> Any:
    database = SimpleNamespace(
        lookup_session=lambda: RecordedSession("reader", events),
        write_session=lambda: RecordedSession("writer", events),
    )
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(database=database)))


def test_the_registration_unit_of_work_gives_the_reader_back_before_the_writer_starts() -> None:
    events: list[str] = []
    new = PreparedRegistration(registered=None, normalize=False)

    def prepare(reader: Any) -> PreparedRegistration:
        events.append(f"prepared on the {reader.name}")
        return new

    def register(writer: Any, prepared: PreparedRegistration) -> RegisterResult:
        assert prepared is new
        events.append(f"registered on the {writer.name}")
        return RegisterResult(1, 1, created=True)

    result = anyio.run(
        lambda: in_registration(registration_request(events), prepare=prepare, register=register)
    )

    assert result == RegisterResult(1, 1, created=True)
    assert events == [
        "reader opened",
        "prepared on the reader",
        "reader closed",
        "writer opened",
        "registered on the writer",
        "writer committed",
        "writer closed",
    ]


def test_an_already_registered_schema_never_opens_the_writer_and_a_failed_one_is_rolled_back() -> None:
    events: list[str] = []
    registered = PreparedRegistration(registered=RegisterResult(7, 3), normalize=False)

    def refuse(writer: Any, prepared: PreparedRegistration) -> RegisterResult:
        raise errors.IncompatibleSchemaError("users", [])

    request = registration_request(events)
    result = anyio.run(lambda: in_registration(request, prepare=lambda reader: registered, register=refuse))

    assert result == RegisterResult(7, 3)
    assert events == ["reader opened", "reader closed"]
    events.clear()
    new = PreparedRegistration(registered=None, normalize=False)
    with pytest.raises(errors.IncompatibleSchemaError):
        anyio.run(lambda: in_registration(request, prepare=lambda reader: new, register=refuse))
    assert events == [
        "reader opened",
        "reader closed",
        "writer opened",
        "writer rolled back",
        "writer closed",
    ]
