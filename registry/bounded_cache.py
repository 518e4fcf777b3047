"""Thread-safe least-recently-used maps: bounded by entries (the memo of parsed schemas and verified
credentials) or by bytes (the schema caches)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class BoundedCache(Generic[Key, Value]):
    """A thread-safe least-recently-used map of at most `size` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)


class ByteBoundedCache(Generic[Key, Value]):
    """A thread-safe least-recently-used map whose entries' sizes (as `size_of` counts them) add up to
    at most `budget` bytes; it counts the entries it evicts to stay within it."""

    def __init__(self, budget: int, size_of: Callable[[Value], int]) -> None:
        self.budget = budget
        self._size_of = size_of
        self._entries: OrderedDict[Key, tuple[Value, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Key, value: Value, *, up_to: int | None = None) -> bool:
        """Put the entry, evicting the least recently used ones to make room; with `up_to`, put it only
        if the cache then holds at most that many bytes, and evict nothing. Whether it was put."""
        size = self._size_of(value)
        if size > self.budget:
            return False
        with self._lock:
            if up_to is not None and self.bytes + size > up_to:
                return False
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.bytes -= previous[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.budget:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted
                self.evictions += 1
            return True

    def pop(self, key: Key) -> None:
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.bytes -= previous[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0
