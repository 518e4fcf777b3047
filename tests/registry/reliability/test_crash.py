"""kill -9 in the middle of a stream of registrations, several times: after each restart every
registration the server acknowledged is there, the database passes its integrity checks, and ids go on
without reuse."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.registry.reliability.load import Ledger, avro, check_acknowledged
from tests.support.servers import free_port, start_registry, stop_registry

ROUNDS = 3
STREAMS = 4


def stream(base_url: str, name: str, ledger: Ledger, stop: threading.Event) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        for number in range(100_000):
            if stop.is_set():
                return
            try:
                ledger.register(client, f"crash-{name}", avro("Event", f"{name}_{number}"))
            except httpx.TransportError:
                return  # the server is gone: this one was never acknowledged


def check_integrity(url: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        checks = {
            "versions without their schema": "SELECT count(*) FROM subject_versions v "
            "LEFT JOIN schemas s ON s.id = v.schema_id WHERE s.id IS NULL",
            "duplicate versions": "SELECT count(*) FROM (SELECT 1 FROM subject_versions "
            "GROUP BY subject, version HAVING count(*) > 1) d",
            "schema ids behind the sequence": "SELECT count(*) FROM schemas "
            "WHERE id > (SELECT last_value FROM schemas_id_seq)",
            "registry state rows other than one": "SELECT abs(count(*) - 1) FROM registry_state",
        }
        found = {name: connection.execute(text(query)).scalar_one() for name, query in checks.items()}
        index_valid = connection.execute(
            text("SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = 'subject_versions'::regclass")
        ).scalar_one()
    engine.dispose()
    assert found == dict.fromkeys(checks, 0)
    assert index_valid


def wait_for_acknowledgements(ledger: Ledger, subjects: list[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not set(subjects) <= {subject for subject, *_ in ledger.registered}:
        assert time.monotonic() < deadline, "the server acknowledged no registration of some stream"
        time.sleep(0.05)


def test_acknowledged_registrations_survive_kill_9(fresh_database: str, tmp_path: Path) -> None:
    ledger = Ledger()
    chooser = random.Random(7)
    port = free_port()
    for round_number in range(ROUNDS):
        with (tmp_path / f"server-{round_number}.log").open("wb") as log:
            process, base_url = start_registry(fresh_database, port=port, log=log, migrate=False)
            try:
                stop = threading.Event()
                names = [f"r{round_number}s{number}" for number in range(STREAMS)]
                threads = [
                    threading.Thread(target=stream, args=(base_url, name, ledger, stop)) for name in names
                ]
                for thread in threads:
                    thread.start()
                # Kill once every stream has been acknowledged at least once (however loaded the
                # machine), at a random moment after that.
                wait_for_acknowledgements(ledger, [f"crash-{name}" for name in names])
                time.sleep(chooser.uniform(0.1, 0.6))
                process.kill()  # SIGKILL: no shutdown, no flush, in the middle of requests
                process.wait()
                stop.set()
                for thread in threads:
                    thread.join()
            finally:
                if process.poll() is None:
                    stop_registry(process)
        check_integrity(fresh_database)
    assert ledger.failures == []
    assert len(ledger.registered) >= ROUNDS * STREAMS  # each stream of each round was acknowledged

    with (tmp_path / "server-last.log").open("wb") as log:
        process, base_url = start_registry(fresh_database, port=port, log=log, migrate=False)
        try:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                check_acknowledged(client, ledger)
                highest = max(schema_id for _, _, schema_id in ledger.registered)
                after = client.post("/subjects/crash-after/versions", json={"schema": avro("Event", "after")})
                assert after.status_code == 200
                assert after.json()["id"] > highest  # no id is handed out twice
        finally:
            stop_registry(process)
