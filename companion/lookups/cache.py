"""Answers of live lookups, kept for 30 minutes in ``lookups.sqlite3`` in the data dir.

Keyed by (provider, number). What is kept is our reading of the answer (events, "not found",
the courier, the customs state), never the raw response and never a key. The file is created
owner-only (0600) before SQLite opens it, so its WAL and shared-memory files, which SQLite
creates with the database's own mode, are owner-only too. WAL, ``synchronous=NORMAL``: a lost
cache entry only costs one more request.

A cache that cannot be opened or written (read-only disk, a damaged file) is no reason to fail a
diagnosis: every error is logged (without numbers) and the lookup goes on without the cache.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from companion.lookups.base import LiveResult

log = logging.getLogger(__name__)

FILENAME = "lookups.sqlite3"
TTL_SECONDS = 30 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    provider TEXT NOT NULL,
    number TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (provider, number)
)
"""


class LookupCache:
    """A small TTL cache; one short-lived connection per call, so any thread may use it."""

    def __init__(self, data_dir: str | os.PathLike, ttl: float = TTL_SECONDS, clock=time.time):
        self.path = Path(data_dir) / FILENAME
        self.ttl = ttl
        self.clock = clock
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self._create()
        conn = sqlite3.connect(self.path, timeout=2.0)
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        with closing(sqlite3.connect(self.path, timeout=2.0)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            conn.commit()
        self._private()
        self._ready = True

    def _private(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = Path(str(self.path) + suffix)
            try:
                if path.exists() and path.stat().st_mode & 0o077:
                    path.chmod(0o600)
            except OSError:
                pass

    def get(self, provider: str, number: str) -> LiveResult | None:
        """The fresh answer for (provider, number), or None."""
        try:
            with closing(self._connect()) as conn:
                row = conn.execute(
                    "SELECT fetched_at, result FROM responses WHERE provider = ? AND number = ?",
                    (provider, number),
                ).fetchone()
            if row is None or self.clock() - row[0] > self.ttl or row[0] > self.clock() + 60:
                return None
            result = LiveResult.from_json(json.loads(row[1]))
            result.cached = True
            return result
        except (sqlite3.Error, OSError, ValueError, KeyError, TypeError) as error:
            log.warning("lookup cache unreadable (%s); asking the provider instead", type(error).__name__)
            return None

    def put(self, result: LiveResult) -> None:
        now = self.clock()
        result.fetched_at = result.fetched_at or now
        try:
            with closing(self._connect()) as conn:
                with conn:
                    conn.execute(
                        "INSERT OR REPLACE INTO responses (provider, number, fetched_at, result) VALUES (?, ?, ?, ?)",
                        (result.provider, result.number, now, json.dumps(result.to_json(), ensure_ascii=False)),
                    )
                    conn.execute("DELETE FROM responses WHERE fetched_at < ?", (now - self.ttl,))
            self._private()
        except (sqlite3.Error, OSError) as error:
            log.warning("lookup cache not written (%s)", type(error).__name__)

    def forget(self, provider: str | None = None) -> None:
        """Drop what one provider (or every provider) said: it was turned off."""
        if not self.path.exists():
            return
        try:
            with closing(self._connect()) as conn:
                with conn:
                    if provider is None:
                        conn.execute("DELETE FROM responses")
                    else:
                        conn.execute("DELETE FROM responses WHERE provider = ?", (provider,))
        except (sqlite3.Error, OSError) as error:
            log.warning("lookup cache not cleared (%s)", type(error).__name__)
