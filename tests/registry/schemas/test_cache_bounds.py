"""The schema caches stay within their byte budgets, evict the least recently used entry first, refuse an
entry read before a delete that removed it, and read the change log without losing a late commit; the
log keeps its newest rows."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from registry.bounded_cache import ByteBoundedCache
from registry.compatibility import SchemaType
from registry.db import Database
from registry.schemas import change_log_repository
from registry.schemas.cache import HARD, SOFT, Change, LogPosition, SchemaCache, VersionFact, schema_size
from registry.schemas.store import with_body
from registry.schemas.values import StoredSchema
from tests.support.databases import migrated_sqlite


def stored(schema_id: int, text_bytes: int = 100) -> StoredSchema:
    text = '"' + "x" * text_bytes + '"'
    return with_body(StoredSchema(schema_id, SchemaType.AVRO, text, (), None, None, body=b""))


def cache(schema_bytes: int = 1 << 20) -> SchemaCache:
    return SchemaCache(
        check_seconds=0.5, schema_bytes=schema_bytes, version_bytes=1 << 20, owners_bytes=1 << 20
    )


def test_a_byte_bounded_cache_never_holds_more_than_its_budget_and_evicts_the_least_recently_used() -> None:
    lru = ByteBoundedCache[int, str](1000, len)
    for key in range(50):
        lru.put(key, "v" * (key * 7 % 300 + 1))
        assert lru.bytes <= 1000
        assert lru.bytes == sum(len(lru.get(k) or "") for k in list(lru._entries))
    lru = ByteBoundedCache[int, str](300, len)
    lru.put(1, "a" * 100)
    lru.put(2, "b" * 100)
    lru.put(3, "c" * 100)
    assert lru.get(1) == "a" * 100  # now 2 is the least recently used
    lru.put(4, "d" * 100)
    assert lru.get(2) is None
    assert [lru.get(key) is not None for key in (1, 3, 4)] == [True, True, True]
    assert lru.evictions == 1
    lru.put(5, "e" * 301)  # larger than the whole budget: not kept, nothing evicted for it
    assert lru.get(5) is None
    assert len(lru) == 3


def test_a_put_up_to_a_size_below_the_budget_fills_to_it_and_evicts_nothing() -> None:
    lru = ByteBoundedCache[int, str](1000, len)
    assert [lru.put(key, "v" * 100, up_to=450) for key in range(6)] == [True] * 4 + [False] * 2
    assert (lru.bytes, len(lru), lru.evictions) == (400, 4, 0)
    assert lru.put(9, "w" * 600)  # without a limit it evicts as usual
    assert (lru.bytes, lru.evictions) == (1000, 0)
    assert lru.put(10, "x")
    assert lru.get(0) is None
    assert lru.evictions == 1


def test_the_schema_cache_stays_within_its_budget_over_a_sweep() -> None:
    one = schema_size(stored(1))
    schemas = cache(schema_bytes=one * 100)
    for schema_id in range(1, 5001):
        schemas.put_schema(stored(schema_id), since=schemas.generation())
        assert schemas.schemas.bytes <= one * 100
    assert len(schemas.schemas) == 100
    assert schemas.schema(5000) is not None
    assert schemas.schema(4900) is None
    assert schemas.schemas.evictions == 4900


def test_a_soft_delete_evicts_the_version_only_and_a_permanent_one_the_id_too() -> None:
    schemas = cache()
    since = schemas.generation()
    schemas.put_schema(stored(7), since=since)
    schemas.put_schema(stored(8), since=since)
    schemas.put_version("orders", 1, VersionFact(7, False), since=since)
    schemas.put_subjects(7, ("orders",), since=since)

    schemas.apply([Change(SOFT, "orders", 1, 7)])
    assert schemas.version("orders", 1) is None
    assert schemas.schema(7) is not None
    assert schemas.subjects(7) == ("orders",)

    schemas.apply([Change(HARD, "orders", 1, 7)])
    assert schemas.schema(7) is None
    assert schemas.subjects(7) is None
    assert schemas.schema(8) is not None  # untouched by a change to another id


def test_an_entry_read_before_a_delete_is_refused_after_it() -> None:
    schemas = cache()
    read_before = schemas.generation()  # a lookup starts reading...
    schemas.apply([Change(HARD, "orders", 1, 7)])  # ...a delete of id 7 is applied meanwhile
    schemas.put_schema(stored(7), since=read_before)
    schemas.put_version("orders", 1, VersionFact(7, False), since=read_before)
    schemas.put_schema(stored(8), since=read_before)  # another id is still welcome
    assert schemas.schema(7) is None
    assert schemas.version("orders", 1) is None
    assert schemas.schema(8) is not None
    schemas.put_schema(stored(7), since=schemas.generation())  # read after the delete: fine
    assert schemas.schema(7) is not None


def test_a_reset_refuses_everything_read_before_it() -> None:
    schemas = cache()
    read_before = schemas.generation()
    schemas.reset()
    schemas.put_schema(stored(1), since=read_before)
    assert schemas.schema(1) is None


def test_a_change_id_that_commits_after_a_later_one_is_still_read() -> None:
    position = LogPosition()
    position.restart(10)
    assert position.take([11, 13]) == {11, 13}  # 12 was taken by a transaction not yet committed
    assert position.read_after == 11
    assert position.take([12, 13, 14]) == {12, 14}  # 13 was applied already
    assert position.read_after == 14


def test_the_bytes_a_cache_counts_cover_the_memory_its_entries_take() -> None:
    schemas = cache(schema_bytes=1 << 30)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for schema_id in range(1, 2001):
            schemas.put_schema(stored(schema_id, text_bytes=80 + schema_id % 50), since=schemas.generation())
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(schemas.schemas) == 2000
    assert taken <= schemas.schemas.bytes


def test_the_change_log_keeps_its_newest_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_log_repository, "CHANGES_KEPT", 10)
    monkeypatch.setattr(change_log_repository, "PRUNE_EVERY", 5)
    database = Database(migrated_sqlite(tmp_path))
    try:
        for version in range(1, 24):
            with database.write_session() as session:
                change_log_repository.record_changes(session, changes=[Change(SOFT, "orders", version, 1)])
                session.commit()
        with database.read_session() as session:
            rows = change_log_repository.read_changes(session, after=0)
    finally:
        database.dispose()
    # Pruned when ids 15 and 20 were written: ids up to 10 are gone, the newest ten and more remain.
    assert [row.id for row in rows] == list(range(11, 24))
    assert rows[-1].version == 23
