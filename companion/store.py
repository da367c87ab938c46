"""The history store: what the companion has seen of each order, in SQLite (DESIGN.md §8).

It is what lets the order list (which shows no tracking) say more than "not checked": parcels
and events seen on earlier tracking-page captures are merged back into a list-page order.
WAL with ``synchronous=FULL``: a diagnosis is acknowledged only after its write is durable.
Nothing personal is stored: orders, parcel numbers, carrier events and our own diagnosis.
"""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from flask import Flask

from companion import dates
from companion.models import Event
from companion.models import Order
from companion.models import Page
from companion.models import Parcel
from companion.models import Tracking

log = logging.getLogger(__name__)

HISTORY_SOURCE = "history: tracking"  # evidence only: Order.tracking says what it means
_CHUNK = 500  # order ids per query (SQLite allows at least 999 parameters)

# Each migration runs once, in order; the schema version is the number applied.
MIGRATIONS = (
    """
    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        status_text TEXT NOT NULL DEFAULT '',
        ordered_on TEXT,
        tracking_seen INTEGER NOT NULL DEFAULT 0,
        diagnosis TEXT NOT NULL,
        parcels TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE INDEX orders_last_seen ON orders (last_seen DESC, order_id);
    CREATE TABLE parcels (
        order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        tracking_number TEXT NOT NULL,
        service TEXT,
        carrier_name TEXT,
        domestic_number TEXT,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (order_id, tracking_number)
    );
    CREATE TABLE events (
        order_id TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
        tracking_number TEXT NOT NULL,
        time TEXT NOT NULL DEFAULT '',
        code TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        milestone TEXT,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (order_id, tracking_number, time, code, text)
    );
    """,
    # 2: which live lookup an event came from (Cainiao, UNI-PASS, a courier), kept across restarts
    """
    ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT ''
    """,
)


class StorageUnavailable(Exception):
    """The database cannot be written or read now (read-only, disk full, locked too long)."""


class History:
    """One SQLite file; a short-lived connection per call, so any thread may use it.

    A file that is not a database any more (corrupted on disk) is moved aside with a warning
    and a new one is started: losing history is better than refusing every diagnosis. A file
    that cannot be written (read-only, disk full) is left alone and reported as
    :class:`StorageUnavailable` until it can be written again.
    """

    def __init__(self, path: Path, retention_days: int | None = None):
        self.path = Path(path)
        self.retention_days = retention_days
        self._lock = threading.RLock()
        self.generation = 0  # this process's writes so far: see :meth:`state`
        self._guarded(self.migrate)

    @contextmanager
    def connect(self):
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.row_factory = sqlite3.Row
            self._private_files()
            yield conn
        finally:
            conn.close()

    def migrate(self) -> None:
        with self._lock, self.connect() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StorageUnavailable(f"the history was written by a newer Parcel Doctor (schema {version})")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                conn.execute("BEGIN IMMEDIATE")
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")

    def _private_files(self) -> None:
        """The database and its WAL and shared-memory files: owner only (DESIGN.md §7)."""
        for suffix in ("", "-wal", "-shm"):
            path = self.path.with_name(self.path.name + suffix)
            try:
                if path.stat().st_mode & 0o077:
                    path.chmod(0o600)
            except OSError:
                pass

    def _guarded(self, operation, *args):
        """Run ``operation``; move a corrupt file aside and retry once; report the unwritable."""
        try:
            return operation(*args)
        except sqlite3.OperationalError as error:
            log.warning("history store unavailable: %s", error)
            raise StorageUnavailable(str(error)) from error
        except sqlite3.DatabaseError as error:  # not a database, or a malformed image
            self._quarantine(error)
            try:
                self.migrate()
                return operation(*args)
            except sqlite3.DatabaseError as again:
                raise StorageUnavailable(str(again)) from again

    def _quarantine(self, error: Exception) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        with self._lock:
            self.generation += 1
            for suffix in ("", "-wal", "-shm"):
                path = self.path.with_name(self.path.name + suffix)
                if path.exists():
                    path.rename(path.with_name(f"{self.path.name}.corrupt-{stamp}{suffix}"))
        log.warning("the history database was damaged (%s); it was moved aside and a new one started", error)

    # -- reading back into a diagnosis -------------------------------------------------

    def _recall(self, order: Order, now: datetime) -> date | None:
        """Fill a list-page order with the parcels seen before; return when it was first seen."""
        with self.connect() as conn:
            row = conn.execute("SELECT * FROM orders WHERE order_id = ?", (order.order_id,)).fetchone()
            if row is None:
                return None
            if not order.parcels and row["tracking_seen"]:
                order.parcels = self._parcels(conn, order.order_id, now)
                order.tracking = max(order.tracking, Tracking.REMEMBERED)
                order.sources.append(HISTORY_SOURCE)
            for parcel in order.parcels:
                parcel.events = [self._first_seen(conn, order.order_id, parcel, e) for e in parcel.events]
            if order.ordered_on is None and row["ordered_on"]:
                order.ordered_on = date.fromisoformat(row["ordered_on"])
        return datetime.fromisoformat(row["first_seen"]).date()

    def recall_many(self, orders: list[Order], now: datetime) -> dict[int, date | None]:
        """Fill each list-page order of a page with the parcels seen before, and say when each
        was first seen (keyed by ``id(order)``), with one read for the common case: an order
        never seen, or a list-page order whose tracking never was."""
        return self._guarded(self._recall_many, orders, now)

    def _recall_many(self, orders: list[Order], now: datetime) -> dict[int, date | None]:
        unique = list(dict.fromkeys(order.order_id for order in orders))
        rows = {}
        with self.connect() as conn:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                query = f"SELECT order_id, tracking_seen, ordered_on, first_seen FROM orders WHERE order_id IN ({','.join('?' * len(chunk))})"
                rows.update({row["order_id"]: row for row in conn.execute(query, chunk)})
        found: dict[int, date | None] = {}
        for order in orders:
            row = rows.get(order.order_id)
            if row is None:
                found[id(order)] = None
            elif not order.parcels and not row["tracking_seen"]:
                if order.ordered_on is None and row["ordered_on"]:
                    order.ordered_on = date.fromisoformat(row["ordered_on"])
                found[id(order)] = datetime.fromisoformat(row["first_seen"]).date()
            else:
                found[id(order)] = self._recall(order, now)  # parcels to merge: the full reading
        return found

    @staticmethod
    def _first_seen(conn, order_id: str, parcel: Parcel, event: Event) -> Event:
        """An undated event (the detail page prints none) gets the time we first saw it, so
        "unchanged for 12 days" can be said even when the page itself shows no dates."""
        if event.time is not None or event.first_seen is not None:
            return event
        row = conn.execute(
            "SELECT first_seen FROM events WHERE order_id = ? AND tracking_number = ? AND time = '' AND code = ? AND text = ?",
            (order_id, parcel.tracking_number or "", event.code or "", event.text),
        ).fetchone()
        return replace(event, first_seen=datetime.fromisoformat(row["first_seen"])) if row else event

    def _parcels(self, conn, order_id: str, now: datetime) -> list[Parcel]:
        parcels = []
        for row in conn.execute("SELECT * FROM parcels WHERE order_id = ? ORDER BY first_seen", (order_id,)):
            parcel = Parcel(
                tracking_number=row["tracking_number"] or None,
                service=row["service"],
                carrier_name=row["carrier_name"],
                domestic_number=row["domestic_number"],
                number_blocked=not row["tracking_number"],
            )
            for event in conn.execute(
                "SELECT * FROM events WHERE order_id = ? AND tracking_number = ?", (order_id, row["tracking_number"])
            ):
                parcel.events.append(
                    Event(
                        time=datetime.fromisoformat(event["time"]) if event["time"] else None,
                        text=event["text"],
                        code=event["code"] or None,
                        title=event["title"],
                        milestone=event["milestone"],
                        first_seen=None if event["time"] else datetime.fromisoformat(event["first_seen"]),
                        source=event["source"],
                    )
                )
            parcel.sort_events()
            parcels.append(parcel)
        return parcels

    # -- writing -----------------------------------------------------------------------

    def record(self, answer: dict, page: Page, now: datetime) -> None:
        """Keep every order of an answer, its parcels and each new event, in one transaction."""
        self._guarded(self._record, answer, page, now)

    def _record(self, answer: dict, page: Page, now: datetime) -> None:
        by_id = {o.order_id: o for o in page.orders}
        seen = now.isoformat()
        with self._lock, self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for item in answer["orders"]:
                    order = by_id.get(item["order_id"])
                    if order is not None:
                        self._record_order(conn, item, order, seen)
                if self.retention_days:
                    cutoff = (now - timedelta(days=self.retention_days)).isoformat()
                    conn.execute("DELETE FROM orders WHERE last_seen < ?", (cutoff,))
                conn.execute("COMMIT")
                self.generation += 1
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _record_order(self, conn, item: dict, order: Order, seen: str) -> None:
        tracking = int(order.tracking is Tracking.READ)
        conn.execute(
            """
            INSERT INTO orders (order_id, status, status_text, ordered_on, tracking_seen, diagnosis, parcels, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (order_id) DO UPDATE SET
                status = CASE WHEN excluded.status = 'unknown' THEN orders.status ELSE excluded.status END,
                status_text = CASE WHEN excluded.status_text = '' THEN orders.status_text ELSE excluded.status_text END,
                ordered_on = COALESCE(excluded.ordered_on, orders.ordered_on),
                tracking_seen = MAX(orders.tracking_seen, excluded.tracking_seen),
                diagnosis = excluded.diagnosis,
                parcels = excluded.parcels,
                last_seen = MAX(orders.last_seen, excluded.last_seen)
            """,
            (
                order.order_id,
                item["status"],
                item["status_text"],
                item["ordered_on"],
                tracking,
                json.dumps(item["diagnosis"], ensure_ascii=False),
                json.dumps(item["parcels"], ensure_ascii=False),
                seen,
                seen,
            ),
        )
        if order.tracking is Tracking.REMEMBERED:
            return  # the parcels came from here; writing them back would change nothing
        for parcel in order.parcels:
            number = parcel.tracking_number or ""
            conn.execute(
                """
                INSERT INTO parcels (order_id, tracking_number, service, carrier_name, domestic_number, first_seen)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (order_id, tracking_number) DO UPDATE SET
                    service = COALESCE(excluded.service, parcels.service),
                    carrier_name = COALESCE(excluded.carrier_name, parcels.carrier_name),
                    domestic_number = COALESCE(excluded.domestic_number, parcels.domestic_number)
                """,
                (order.order_id, number, parcel.service, parcel.carrier_name, parcel.domestic_number, seen),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO events (order_id, tracking_number, time, code, text, title, milestone, first_seen, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (order.order_id, number, e.time.isoformat() if e.time else "", e.code or "", e.text, e.title, e.milestone, seen, e.source)
                    for e in parcel.events
                ],
            )

    # -- the /v1/orders resource -------------------------------------------------------

    def list_orders(self, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        """Most recently seen first; the cursor is opaque to callers."""
        if cursor:
            decode_cursor(cursor)  # a bad cursor is the caller's error, raised before any I/O
        return self._guarded(self._list_orders, limit, cursor)

    def _list_orders(self, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        args: list = []
        where = ""
        if cursor:
            last_seen, order_id = decode_cursor(cursor)
            where = "WHERE (last_seen < ? OR (last_seen = ? AND order_id > ?))"
            args = [last_seen, last_seen, order_id]
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT * FROM orders {where} ORDER BY last_seen DESC, order_id LIMIT ?", [*args, limit + 1]
            ).fetchall()
        items = [
            {
                "order_id": r["order_id"],
                "status": r["status"],
                "parcels": json.loads(r["parcels"]),
                "diagnosis": json.loads(r["diagnosis"]),
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
            }
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return items, encode_cursor(rows[limit - 1]["last_seen"], rows[limit - 1]["order_id"]) if more else None

    def forget(self, order_id: str) -> bool:
        return self._guarded(self._forget, order_id)

    def _forget(self, order_id: str) -> bool:
        with self._lock, self.connect() as conn:
            self.generation += 1
            return conn.execute("DELETE FROM orders WHERE order_id = ?", (order_id,)).rowcount > 0

    def state(self) -> tuple:
        """What the stored history is now, cheaply: this process's write count and the files'
        size and time (which also move when another process writes). Equal states mean the
        same history, so an answer computed from it may be given again."""
        with self._lock:
            files = []
            for suffix in ("", "-wal"):
                try:
                    info = self.path.with_name(self.path.name + suffix).stat()
                    files.append((info.st_mtime_ns, info.st_size))
                except OSError:
                    files.append(None)
            return (self.generation, *files)


EXPORT_FORMAT = "parcel-doctor/history"
_TABLES = ("orders", "parcels", "events")
_JSON_COLUMNS = {"orders": ("diagnosis", "parcels")}


def export_history(history: History) -> dict:
    """Everything the store holds, as plain JSON (the JSON columns as objects, not strings)."""

    def dump():
        with history.connect() as conn:
            tables = {}
            for table in _TABLES:
                rows = []
                for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                    item = dict(row)
                    for column in _JSON_COLUMNS.get(table, ()):
                        item[column] = json.loads(item[column])
                    rows.append(item)
                tables[table] = rows
            return {"format": EXPORT_FORMAT, "schema": len(MIGRATIONS), "tables": tables}

    return history._guarded(dump)


def import_history(history: History, data: dict) -> int:
    """Add (or replace) what an export holds; returns the number of orders. All or nothing."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ValueError("this is not a Parcel Doctor history export")
    if data.get("schema") != len(MIGRATIONS):
        raise ValueError(f"this export has schema {data.get('schema')}; this version reads {len(MIGRATIONS)}")
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(tables.get(t), list) for t in _TABLES):
        raise ValueError("the export has no orders, parcels and events tables")

    def load():
        with history._lock, history.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in _TABLES:
                    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                    for item in tables[table]:
                        if not isinstance(item, dict) or set(item) != set(columns):
                            raise ValueError(f"a row of {table} does not have the columns {columns}")
                        values = [
                            json.dumps(item[c], ensure_ascii=False) if c in _JSON_COLUMNS.get(table, ()) else item[c]
                            for c in columns
                        ]
                        placeholders = ", ".join("?" for _ in columns)
                        conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)
                conn.execute("COMMIT")
                history.generation += 1
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(tables["orders"])

    return history._guarded(load)


def encode_cursor(last_seen: str, order_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([last_seen, order_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """Raises ValueError for anything that is not one of our cursors."""
    padded = cursor + "=" * (-len(cursor) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise ValueError("not a cursor")
    if dates.parse_iso(value[0]) is None:
        raise ValueError("not a cursor")
    return value[0], value[1]


def history(app: Flask) -> History:
    return app.extensions["parcel_doctor.history"]


def init_app(app: Flask) -> None:
    app.extensions["parcel_doctor.history"] = History(
        Path(app.config["DATA_DIR"]) / "history.sqlite3", retention_days=app.config.get("RETENTION_DAYS")
    )
