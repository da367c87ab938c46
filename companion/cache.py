"""What a capture parsed to, kept in memory so the same capture is not parsed twice.

The extension sends a page again whenever it re-renders, and "check all" revisits pages: most
captures repeat one seen a moment before. Parsing depends only on the capture's URL, HTML and
payloads and on the calendar day of its time (dates printed without a year are placed relative
to that day: companion/dates.py), so a digest of exactly those is the key (through the API, the
digest of the request that carried them stands for the first three: :func:`key`). The value is the
parsed :class:`~companion.models.Page`, pickled: every hit unpickles fresh objects, which the
diagnosis may fill in (the history store adds what it knows) without touching the cached copy.

Only the parse is cached. The history store is read and written on every diagnosis, so a
repeat still records "last seen" and still learns from whatever the store holds by then; the
rules run again too (they cost far less than the parse, and "now" moves).

Bounded by entries and by bytes, least recently used first out: the companion's memory does not
grow with the number of captures. Each app owns one (``app.extensions["parcel_doctor.pages"]``,
companion/replay.py); the CLI's one-shot diagnosis has none.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections.abc import Callable

from companion.lru import LRU
from companion.models import Page
from companion.parsing.base import Capture

MAX_ENTRIES = 128
MAX_BYTES = 8 * 1024 * 1024  # a 50-order list pickles to ~5 KB, 200 orders to ~20 KB


class ParseCache:
    """A thread-safe LRU of pickled pages, keyed by :func:`key`."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self._items: LRU[bytes, bytes] = LRU(max_entries, max_bytes)
        self.hits = 0
        self.misses = 0
        self._count = threading.Lock()  # the two counters, kept exact across waitress's threads

    def parse(self, capture: Capture, parse: Callable[[Capture], Page], source: bytes | None = None) -> Page:
        """``parse(capture)``, or a fresh copy of what it gave for the same capture before
        (``source``: see :func:`key`)."""
        digest = key(capture, source)
        if digest is not None:
            blob = self._items.get(digest)
            with self._count:
                if blob is None:
                    self.misses += 1
                else:
                    self.hits += 1
            if blob is not None:
                return pickle.loads(blob)
        page = parse(capture)
        if digest is not None:
            self._store(digest, page)
        return page

    def _store(self, digest: bytes, page: Page) -> None:
        try:
            blob = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # something that does not pickle: simply not cached
            return
        self._items.put(digest, blob)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._items.size_bytes


def key(capture: Capture, source: bytes | None = None) -> bytes | None:
    """A digest of everything the parse reads: URL, HTML, payloads and the capture's day.

    ``source``, when given, is a digest of the request body the capture was read from, its
    ``captured_at`` masked (companion/replay.py ``Key``): it stands for the URL, HTML and payloads,
    which then are not hashed again (for a 50-order list with its payloads, 0.6–1.3 ms a request).
    None when the payloads are not plain JSON (they always are through the API and the CLI)."""
    # The day, and the zone the page's wall-clock times are read in.
    day = f"{capture.captured_at.date().isoformat()} {capture.captured_at.tzinfo}" if capture.captured_at else ""
    if source is not None:
        return hashlib.sha256(b"request\0" + source + b"\0" + day.encode()).digest()
    try:
        payloads = json.dumps(capture.payloads or [], ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256()  # the fastest of hashlib's here (SHA extensions): ~0.2 ms for 400 KB
    for part in (capture.url or "", day, payloads, capture.html if capture.html is not None else "\0none"):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.digest()
