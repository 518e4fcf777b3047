"""The registration guard: whatever it reports broken refuses the new version (40910), after the
compatibility level allowed it; with NO_GUARD nothing else refuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from registry.app import build_services, create_app
from registry.compatibility import ParsedSchema
from registry.config import Settings
from registry.schemas import NO_GUARD
from tests.registry.api.samples import USER_BREAKING, USER_V1, USER_V2


@dataclass
class RecordingGuard:
    """Reports `broken` for every new version after the first, and remembers what it was asked."""

    broken: list[str]
    asked: list[tuple[str, int, ParsedSchema]] = field(default_factory=list)

    def broken_expectations(
        self, *, session: Session, subject: str, version: int, schema: ParsedSchema
    ) -> list[str]:
        assert session.in_transaction()  # asked within the registration's write transaction
        self.asked.append((subject, version, schema))
        return self.broken if version > 1 else []


def client_with(settings: Settings, guard: Any) -> TestClient:
    app = create_app(settings)
    app.state.services = build_services(settings=settings, metrics=app.state.metrics, guard=guard)
    return TestClient(app)


def test_what_the_guard_reports_refuses_the_version_with_40910(settings: Settings) -> None:
    guard = RecordingGuard(broken=["billing version 3 (UserCreated) reads /email: it is gone"])
    with client_with(settings, guard) as client:
        assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
        refused = client.post("/subjects/users/versions", json={"schema": USER_V2})
        incompatible = client.post("/subjects/users/versions", json={"schema": USER_BREAKING})

        assert refused.status_code == 409
        assert refused.json()["error_code"] == 40910
        assert "billing version 3 (UserCreated) reads /email: it is gone" in refused.json()["message"]
        assert client.get("/subjects/users/versions").json() == [1]
    assert incompatible.json()["error_code"] == 409  # the level refuses first; the guard is not asked
    assert [(subject, version) for subject, version, _ in guard.asked] == [("users", 1), ("users", 2)]
    assert all(isinstance(schema, ParsedSchema) for _, _, schema in guard.asked)


def test_the_guard_is_not_asked_in_import_mode(settings: Settings) -> None:
    guard = RecordingGuard(broken=["anything"])
    with client_with(settings, guard) as client:
        assert client.put("/mode", json={"mode": "IMPORT"}).status_code == 200
        for version in (1, 2):
            body = {"schema": [USER_V1, USER_V2][version - 1], "id": version, "version": version}
            assert client.post("/subjects/users/versions", json=body).status_code == 200
    assert guard.asked == []


def test_no_guard_reports_nothing(settings: Settings) -> None:
    with client_with(settings, NO_GUARD) as client:
        assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
        assert client.post("/subjects/users/versions", json={"schema": USER_V2}).json() == {"id": 2}
