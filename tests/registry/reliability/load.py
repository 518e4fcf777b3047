"""Load for the fault tests: schemas unique per request or shared, and what the registry acknowledged."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import httpx


def avro(name: str, field_name: str) -> str:
    """A record whose every version is compatible with every other at every level (fields have defaults)."""
    return json.dumps(
        {"type": "record", "name": name, "fields": [{"name": field_name, "type": "long", "default": 0}]}
    )


@dataclass
class Ledger:
    """What the registry acknowledged, and every status it answered, from many threads."""

    registered: list[tuple[str, str, int]] = field(default_factory=list)  # subject, schema text, id
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, response: httpx.Response) -> None:
        with self._lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.failures.append(f"{response.request.method} {response.request.url}: {response.text}")

    def register(self, client: httpx.Client, subject: str, schema: str) -> None:
        response = client.post(f"/subjects/{subject}/versions", json={"schema": schema})
        self.answer(response)
        if response.status_code == 200:
            with self._lock:
                self.registered.append((subject, schema, response.json()["id"]))


def check_acknowledged(client: httpx.Client, ledger: Ledger) -> None:
    """Every acknowledged registration is there (soft-deleted at most), and ids name one schema each."""
    texts_by_id: dict[int, str] = {}
    for _, schema, schema_id in ledger.registered:
        assert texts_by_id.setdefault(schema_id, schema) == schema, f"id {schema_id} names two schemas"
    assert len(set(texts_by_id.values())) == len(texts_by_id), "one schema got two ids"
    for schema_id, schema in texts_by_id.items():
        stored = client.get(f"/schemas/ids/{schema_id}")
        assert stored.status_code == 200, stored.text
        assert json.loads(stored.json()["schema"]) == json.loads(schema)
    ids_by_subject: dict[str, set[int]] = {}
    for subject, _, schema_id in ledger.registered:
        if subject not in ids_by_subject:
            versions = client.get(f"/schemas?subjectPrefix={subject}&deleted=true&limit=1000").json()
            ids_by_subject[subject] = {entry["id"] for entry in versions if entry["subject"] == subject}
        assert schema_id in ids_by_subject[subject], f"registration of id {schema_id} in {subject} is lost"
