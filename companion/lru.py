"""One small thread-safe LRU, bounded by entry count and by total size, for the companion's
in-memory caches: the parse cache and the replay of answers.

>>> cache = LRU(max_entries=2, max_bytes=10)
>>> cache.put("a", b"12345"); cache.put("b", b"123")
>>> cache.get("a")  # "a" is now the most recently used
b'12345'
>>> cache.put("c", b"1")  # three entries: the least recently used ("b") goes
>>> "a" in cache, "b" in cache, "c" in cache, len(cache), cache.size_bytes
(True, False, True, 2, 6)
>>> cache.put("d", b"12345678901")  # larger than the whole cache: not kept
>>> "d" in cache
False
>>> cache.find(lambda value: value.startswith(b"1"))  # the most recently used first
b'1'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``max_entries`` values of at most ``max_bytes`` together (``size(value)`` each,
    ``len`` by default); the least recently used go first."""

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int] = len):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def find(self, match: Callable[[V], bool]) -> V | None:
        """The most recently used value ``match`` is true of, which is then used again."""
        with self._lock:
            for key in reversed(self._items):
                value = self._items[key]
                if match(value):
                    self._items.move_to_end(key)
                    return value
        return None

    def put(self, key: K, value: V) -> None:
        size = self._size(value)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= self._size(old)
            self._items[key] = value
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= self._size(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __contains__(self, key: K) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes
