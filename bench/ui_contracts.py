"""Contract page latency on a busy contract store, against the contract API in the same run.

    .venv/bin/python -m bench.ui_contracts [--versions 100] [--rounds 30] [--postgresql]

The store is filled directly through SQL: 20 event types, 10 producer applications (2 event types each)
and 30 consumer applications (3 each), every application with `versions` published versions (one
sample or expectation per event type each), a verification result for every interacting pair of the
same round (every tenth one failing, with findings), each application's version of five rounds ago
deployed to production and its latest released to staging, and 20 older, replaced deployments each.
With the default 100 versions: 4,000 application versions, 11,000 samples and expectations, about
9,000 results.

Each page is fetched `rounds` times in-process (TestClient, so no network) in interleaved order. The
floors are the API's reads of the same data: `GET /contracts/can-i-deploy` (the same answer as JSON),
`GET /contracts/expectations?eventType=` (what the consumers of one event type read) and
`GET /contracts/matrix?application=` (a producer's newest 1,000 results).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import create_engine, insert, text
from sqlmodel import SQLModel

from bench.ui_pages import print_table, time_pages
from registry.models import (
    ContractDeployment,
    ContractExpectation,
    ContractResult,
    ContractSample,
    ContractVersion,
    SchemaRecord,
    SubjectVersion,
)

EVENT_TYPES = [f"Event{number:02d}" for number in range(20)]
PRODUCERS = {f"producer-{number:02d}": EVENT_TYPES[2 * number : 2 * number + 2] for number in range(10)}
CONSUMERS = {
    f"consumer-{number:02d}": sorted({EVENT_TYPES[(number + step) % 20] for step in (0, 7, 13)})
    for number in range(30)
}
READER = orjson.dumps(
    {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
).decode()
FINDINGS = orjson.dumps(
    [
        {
            "check": check,
            "severity": "error",
            "eventType": "Event00",
            "path": "$.data.id",
            "message": "'id' is a required property",
        }
        for check in ("sample-expectation", "schema-expectation")
    ]
).decode()


def fill(url: str, versions: int) -> None:
    tables = SQLModel.metadata.tables
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            ContractVersion.__tablename__,
            ContractSample.__tablename__,
            ContractExpectation.__tablename__,
            ContractResult.__tablename__,
            ContractDeployment.__tablename__,
        )
    }
    start = datetime(2024, 1, 1, tzinfo=UTC)
    version_id = 0
    for round_number in range(versions):
        version = f"v{round_number:04d}"
        for application, event_types in [*PRODUCERS.items(), *CONSUMERS.items()]:
            version_id += 1
            rows[ContractVersion.__tablename__].append(
                {"id": version_id, "application": application, "version": version}
            )
            for position, event_type in enumerate(event_types):
                if application in PRODUCERS:
                    envelope = orjson.dumps({"eventType": event_type, "data": {"id": "1"}}).decode()
                    rows[ContractSample.__tablename__].append(
                        {
                            "version_id": version_id,
                            "position": position,
                            "event_type": event_type,
                            "scenario": "sample",
                            "envelope": envelope,
                            "generated": False,
                        }
                    )
                else:
                    rows[ContractExpectation.__tablename__].append(
                        {
                            "version_id": version_id,
                            "position": position,
                            "event_type": event_type,
                            "subject": event_type,
                            "named_subject": False,
                            "min_version": 1,
                            "schema_type": "JSON",
                            "schema_text": READER,
                            "description": "",
                        }
                    )
        for producer, produced in PRODUCERS.items():
            for consumer, consumed in CONSUMERS.items():
                if set(produced) & set(consumed):
                    failing = len(rows[ContractResult.__tablename__]) % 10 == 0
                    rows[ContractResult.__tablename__].append(
                        {
                            "producer": producer,
                            "producer_version": version,
                            "consumer": consumer,
                            "consumer_version": version,
                            "success": not failing,
                            "findings": FINDINGS if failing else "[]",
                            "verified_at": start + timedelta(minutes=round_number),
                        }
                    )
    for application in [*PRODUCERS, *CONSUMERS]:
        for back in range(25, 5, -1):  # replaced deployments
            rows[ContractDeployment.__tablename__].append(
                _deployment(application, max(versions - back, 0), "production", "deployment", False, start)
            )
        rows[ContractDeployment.__tablename__].append(
            _deployment(application, max(versions - 5, 0), "production", "deployment", True, start)
        )
        rows[ContractDeployment.__tablename__].append(
            _deployment(application, versions - 1, "staging", "release", True, start)
        )
    # Two registered subjects: Event00 (its producers' subject, expected by consumers) and one no
    # contract names.
    schema = {"id": 1, "fingerprint": "0" * 64, "schema_type": "JSON", "schema_text": READER}
    rows[SchemaRecord.__tablename__] = [schema]
    rows[SubjectVersion.__tablename__] = [
        {"subject": subject, "version": 1, "schema_id": 1, "deleted": False}
        for subject in ("Event00", "unrelated-value")
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        for name, batch in rows.items():
            connection.execute(insert(tables[name]), batch)
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            connection.execute(text("SELECT setval(pg_get_serial_sequence('schemas', 'id'), 1)"))
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('contract_versions', 'id'), :last)"),
                {"last": version_id},
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    print(", ".join(f"{len(batch):,} {name}" for name, batch in rows.items()))


def _deployment(
    application: str, round_number: int, environment: str, kind: str, active: bool, start: datetime
) -> dict[str, Any]:
    return {
        "application": application,
        "version": f"v{round_number:04d}",
        "environment": environment,
        "kind": kind,
        "active": active,
        "recorded_at": start + timedelta(minutes=round_number),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--postgresql", action="store_true", help="PostgreSQL at 127.0.0.1:5432 instead of SQLite"
    )
    arguments = parser.parse_args()
    latest = f"v{arguments.versions - 1:04d}"
    question = f"application=producer-00&version={latest}&environment=production"
    paths = {
        "floor: API can-i-deploy": f"/contracts/can-i-deploy?{question}",
        "floor: API expectations of Event00": "/contracts/expectations?eventType=Event00",
        "floor: API matrix of producer-00": "/contracts/matrix?application=producer-00",
        "UI can-i-deploy": f"/ui/contracts/can-i-deploy?{question}",
        "UI event type (versions that count)": "/ui/contracts/event-types/Event00",
        "UI event type with history": "/ui/contracts/event-types/Event00?history=on",
        "UI contracts index": "/ui/contracts",
        "UI subject page, with contracts": "/ui/subjects/Event00",
        "UI subject page, without contracts": "/ui/subjects/unrelated-value",
        "UI pair findings": (
            f"/ui/contracts/results?producer=producer-00&producer_version={latest}"
            f"&consumer=consumer-00&consumer_version={latest}"
        ),
    }
    timings = time_pages(
        postgresql=arguments.postgresql,
        fill=lambda url: fill(url, arguments.versions),
        paths=paths,
        rounds=arguments.rounds,
    )
    backend = "PostgreSQL" if arguments.postgresql else "SQLite"
    print(f"\n{backend}, {arguments.versions} versions per application, {arguments.rounds} rounds (ms)\n")
    print_table(timings, floor="floor: API can-i-deploy")


if __name__ == "__main__":
    main()
