"""64 concurrent writers registering, deleting and changing config on overlapping subjects, against two
server processes on one database: no 5xx, no duplicate id or version, no lost registration."""

from __future__ import annotations

import random
import threading

import httpx
from sqlalchemy import create_engine, text

from tests.registry.reliability.load import Ledger, avro, check_acknowledged
from tests.support.servers import running_registry

WRITERS = 64
OPERATIONS = 12
SUBJECTS = [f"orders-{number}" for number in range(6)]
SHARED = [avro("Order", f"shared_{number}") for number in range(4)]  # the same schemas in many subjects
LEVELS = ["BACKWARD", "FORWARD", "FULL", "NONE", "BACKWARD_TRANSITIVE"]


def writer(base_url: str, number: int, ledger: Ledger, start: threading.Barrier) -> None:
    chooser = random.Random(number)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        start.wait()
        for operation in range(OPERATIONS):
            subject = chooser.choice(SUBJECTS)
            roll = chooser.random()
            if roll < 0.45:
                ledger.register(client, subject, avro("Order", f"w{number}_{operation}"))
            elif roll < 0.6:
                ledger.register(client, subject, chooser.choice(SHARED))
            elif roll < 0.75:
                ledger.answer(client.delete(f"/subjects/{subject}/versions/latest"))
            elif roll < 0.8:
                ledger.answer(client.delete(f"/subjects/{subject}"))
            else:
                ledger.answer(
                    client.put(f"/config/{subject}", json={"compatibility": chooser.choice(LEVELS)})
                )


def test_concurrent_writers_lose_nothing_and_never_fail(fresh_database: str) -> None:
    ledger = Ledger()
    with running_registry(fresh_database, workers=2, migrate=False) as base_url:
        start = threading.Barrier(WRITERS)
        threads = [
            threading.Thread(target=writer, args=(base_url, number, ledger, start))
            for number in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert ledger.failures == []
        assert sum(ledger.statuses.values()) == WRITERS * OPERATIONS
        assert set(ledger.statuses) <= {200, 404}, dict(ledger.statuses)  # 404: deleting what is gone
        assert len(ledger.registered) > WRITERS * OPERATIONS / 3
        with httpx.Client(base_url=base_url, timeout=60) as client:
            check_acknowledged(client, ledger)
    engine = create_engine(fresh_database)
    with engine.connect() as connection:
        duplicate_versions = connection.execute(
            text(
                "SELECT subject, version FROM subject_versions GROUP BY subject, version HAVING count(*) > 1"
            )
        ).all()
        duplicate_schemas = connection.execute(
            text("SELECT fingerprint FROM schemas GROUP BY fingerprint HAVING count(*) > 1")
        ).all()
        audited = connection.execute(
            text("SELECT count(*) FROM audit_events WHERE action = 'schema.register'")
        )
        new_versions = connection.execute(text("SELECT count(*) FROM subject_versions")).scalar_one()
        audited_count = audited.scalar_one()
    engine.dispose()
    assert duplicate_versions == []
    assert duplicate_schemas == []
    assert audited_count >= new_versions  # every stored version has its audit entry (some were superseded)
