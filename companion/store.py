"""The history store: what the companion has seen of each order, in SQLite (docs/design.md §8).

It is what lets the order list (which shows no tracking) say more than "not checked": parcels
and events seen on earlier tracking-page captures are merged back into a list-page order.
WAL with ``synchronous=FULL``: a diagnosis is acknowledged (HTTP 200) only after what it
taught the store (a new order, status, parcel, event or diagnosis) is durable. The one thing
written later is "last seen" when nothing else about an order changed (a repeat, a re-render):
it is kept in memory and written in a batch within :data:`FLUSH_SECONDS`, and at a graceful
exit; a kill -9 can lose at most those last few seconds of "last seen", never an order.
Nothing personal is stored: orders, parcel numbers, carrier events and our own diagnosis.

Each thread keeps its own connection (the server's threads are few and long-lived): opening and
closing one per call checkpointed the WAL and deleted it each time, about six ``fdatasync``
calls per diagnosis where one is needed.
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import sqlite3
import os
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from flask import Flask

from companion import dates
from companion import history_file
from companion.history_file import readable_day
from companion.models import Event
from companion.models import Order
from companion.models import Page
from companion.models import Parcel
from companion.models import Tracking

log = logging.getLogger(__name__)

HISTORY_SOURCE = "history: tracking"  # evidence only: Order.tracking says what it means
_CHUNK = 500  # order ids per query (SQLite allows at least 999 parameters)
PAGE_CACHE_KB = 256  # per connection (one per thread)
FLUSH_SECONDS = 2.0  # a "last seen"-only update is on disk at most this long after its answer

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
    # 3: what the dashboard shows of an order without its page: the first item's name, the
    # page's buyer-protection date and the shipping method
    """
    ALTER TABLE orders ADD COLUMN item_title TEXT NOT NULL DEFAULT '';
    ALTER TABLE orders ADD COLUMN protection_until TEXT;
    ALTER TABLE orders ADD COLUMN shipping_service TEXT
    """,
)


_OPEN: "weakref.WeakSet[History]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """At a graceful exit every history writes its pending "last seen" and closes."""
    for history in list(_OPEN):
        history.close()


class StorageUnavailable(Exception):
    """The database cannot be written or read now (read-only, disk full, locked too long)."""


class State(NamedTuple):
    """What the stored history is, for telling whether an answer computed from it still holds."""

    generation: int  # this process's writes of content so far
    external: int  # times the files were found changed by another process


@dataclass(frozen=True)
class Recorded:
    """What :meth:`History.record` did: ``changed`` when it wrote anything but "last seen";
    ``recall_changed`` when a later recall of the same orders would read something new into a
    diagnosis (an undated event now has a first-seen time)."""

    changed: bool
    recall_changed: bool


@dataclass
class Stored:
    """An order rebuilt from the store (:meth:`History.waiting`) with what the rules and a
    re-check need beside it."""

    order: Order
    first_seen: date | None
    cause: str | None  # the last diagnosis' cause; None when none could be read


class _Connections:
    """One SQLite connection per thread for one database file, and the "last seen" times not
    written yet. Kept apart from :class:`History` so that closing it at exit (or when the
    history is garbage collected) needs nothing of the History itself."""

    def __init__(self, path: Path):
        self.path = path
        self.local = threading.local()
        self.lock = threading.Lock()
        # every open connection and the thread it is for; one whose thread ended (the flusher
        # below, which starts afresh for each batch) is closed when the next one opens
        self.all: dict[sqlite3.Connection, threading.Thread] = {}
        self.epoch = 0  # moves when the files were moved aside: every connection reopens

    def get(self) -> sqlite3.Connection:
        held = getattr(self.local, "held", None)
        stale = None
        if held is not None:
            conn, epoch, files = held
            if epoch == self.epoch and files == self.identity():
                return conn
            # The files were moved aside, or replaced under this connection. It is closed only
            # after the new one is open: closing the last connection checkpoints its WAL into
            # whatever file now has the name, and would bring a replaced file back to life.
            stale, self.local.held = conn, None
        try:
            conn = self._open()
        finally:
            if stale is not None:
                self._close(stale)
        self.local.held = (conn, self.epoch, self.identity())
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Each of the server's threads keeps a connection, each with its own page cache:
            # SQLite's default (2 MB) times two dozen threads would be most of the companion's
            # memory. Our reads are point lookups by key: 256 KB each is plenty.
            conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
            conn.execute("PRAGMA user_version").fetchone()  # a first read opens (or makes) the WAL
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlite3.Row
        _private_files(self.path)
        with self.lock:
            ended = [other for other, thread in self.all.items() if not thread.is_alive()]
            for other in ended:
                del self.all[other]
            self.all[conn] = threading.current_thread()
        for other in ended:
            self._quietly_close(other)
        return conn

    def identity(self) -> tuple:
        """Which files the database and its WAL are (device and inode): two ``stat`` calls."""
        found = []
        for suffix in ("", "-wal"):
            try:
                info = os.stat(f"{self.path}{suffix}")
                found.append((info.st_dev, info.st_ino))
            except OSError:
                found.append(None)
        return tuple(found)

    def drop(self) -> None:
        """Close this thread's connection (after an error: the next call starts afresh)."""
        held = getattr(self.local, "held", None)
        self.local.held = None
        if held is not None:
            self._close(held[0])

    def _close(self, conn: sqlite3.Connection) -> None:
        with self.lock:
            self.all.pop(conn, None)
        self._quietly_close(conn)

    def close_all(self) -> None:
        with self.lock:
            conns, self.all = list(self.all), {}
        for conn in conns:
            self._quietly_close(conn)

    @staticmethod
    def _quietly_close(conn: sqlite3.Connection) -> None:
        try:
            conn.close()
        except sqlite3.Error:
            pass


_ORDER_UPSERT = """
INSERT INTO orders (order_id, status, status_text, ordered_on, tracking_seen, diagnosis, parcels, first_seen, last_seen,
                    item_title, protection_until, shipping_service)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (order_id) DO UPDATE SET
    item_title = CASE WHEN excluded.item_title = '' THEN orders.item_title ELSE excluded.item_title END,
    protection_until = COALESCE(excluded.protection_until, orders.protection_until),
    shipping_service = COALESCE(excluded.shipping_service, orders.shipping_service),
    status = CASE WHEN excluded.status = 'unknown' THEN orders.status ELSE excluded.status END,
    status_text = CASE WHEN excluded.status_text = '' THEN orders.status_text ELSE excluded.status_text END,
    ordered_on = COALESCE(excluded.ordered_on, orders.ordered_on),
    tracking_seen = MAX(orders.tracking_seen, excluded.tracking_seen),
    diagnosis = excluded.diagnosis,
    parcels = excluded.parcels,
    last_seen = MAX(orders.last_seen, excluded.last_seen)
WHERE (orders.status, orders.status_text, orders.ordered_on, orders.tracking_seen, orders.diagnosis, orders.parcels)
    IS NOT (CASE WHEN excluded.status = 'unknown' THEN orders.status ELSE excluded.status END,
            CASE WHEN excluded.status_text = '' THEN orders.status_text ELSE excluded.status_text END,
            COALESCE(excluded.ordered_on, orders.ordered_on),
            MAX(orders.tracking_seen, excluded.tracking_seen),
            excluded.diagnosis,
            excluded.parcels)
"""
_PARCEL_UPSERT = """
INSERT INTO parcels (order_id, tracking_number, service, carrier_name, domestic_number, first_seen)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (order_id, tracking_number) DO UPDATE SET
    service = COALESCE(excluded.service, parcels.service),
    carrier_name = COALESCE(excluded.carrier_name, parcels.carrier_name),
    domestic_number = COALESCE(excluded.domestic_number, parcels.domestic_number)
WHERE (parcels.service, parcels.carrier_name, parcels.domestic_number)
    IS NOT (COALESCE(excluded.service, parcels.service),
            COALESCE(excluded.carrier_name, parcels.carrier_name),
            COALESCE(excluded.domestic_number, parcels.domestic_number))
"""
_EVENT_INSERT = (
    "INSERT OR IGNORE INTO events (order_id, tracking_number, time, code, text, title, milestone, first_seen, source)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per call


def _stored(conn, columns: str, order_ids: list[str]) -> dict[str, sqlite3.Row]:
    """The stored rows (``columns``, order_id among them) of these orders by id, in one query
    per :data:`_CHUNK` ids, never one per order."""
    unique = list(dict.fromkeys(order_ids))
    rows = {}
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        query = f"SELECT {columns} FROM orders WHERE order_id IN ({','.join('?' * len(chunk))})"
        rows.update({row["order_id"]: row for row in conn.execute(query, chunk)})
    return rows


def _write_orders(conn, orders: list[tuple[dict, Order]], seen: str, last_seen: str | None = None) -> int:
    """Write each (answer item, order) where anything but "last seen" changed, in one statement
    per table for all of them (one per order cost a tenth of a cold diagnosis); the number of
    undated events new to the store. The parcels of an order remembered from here are written
    back too: a live lookup may have added events to them (what is already stored changes nothing)."""
    conn.executemany(_ORDER_UPSERT, [
        (
            order.order_id,
            item["status"],
            item["status_text"],
            item["ordered_on"],
            int(order.tracking is Tracking.READ),
            _json(item["diagnosis"]),
            _json(item["parcels"]),
            seen,
            seen if last_seen is None else last_seen,
            order.item_title or "",
            order.protection_until.isoformat() if order.protection_until else None,
            item.get("shipping_service"),
        )
        for item, order in orders
    ])
    parcels = [(order.order_id, parcel) for _, order in orders for parcel in order.parcels]
    conn.executemany(_PARCEL_UPSERT, [
        (order_id, p.tracking_number or "", p.service, p.carrier_name, p.domestic_number, seen) for order_id, p in parcels
    ])
    events = [
        (order_id, p.tracking_number or "", e.time.isoformat() if e.time else "", e.code or "", e.text, e.title, e.milestone, seen, e.source)
        for order_id, p in parcels
        for e in p.events
    ]
    conn.executemany(_EVENT_INSERT, [row for row in events if row[2]])
    undated = [row for row in events if not row[2]]
    return conn.executemany(_EVENT_INSERT, undated).rowcount if undated else 0


def _private_files(path: Path) -> None:
    """The database and its WAL and shared-memory files: owner only (docs/design.md §7)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            if os.stat(f"{path}{suffix}").st_mode & 0o077:
                os.chmod(f"{path}{suffix}", 0o600)
        except OSError:
            pass


class History:
    """One SQLite file, one connection per thread that uses it; :meth:`close` closes them all
    (also done at exit, after the last "last seen" times are written).

    A file that is not a database any more (corrupted on disk) is moved aside with a warning
    and a new one is started: losing history is better than refusing every diagnosis. A file
    that cannot be written (read-only, disk full) is left alone and reported as
    :class:`StorageUnavailable` until it can be written again.
    """

    def __init__(self, path: Path, retention_days: int | None = None):
        self.path = Path(path)
        self.retention_days = retention_days
        self._lock = threading.RLock()  # one writer at a time in this process
        self.generation = 0  # this process's writes of content so far: see :meth:`state`
        self._external = 0  # times the files were found changed by someone else
        self._delivered: tuple | None = None  # (state, delivered_days()) while the history is unchanged
        self._files: tuple = ()
        self._pool = _Connections(self.path)
        self._pending: dict[str, str] = {}  # order id -> "last seen" not written yet
        self._pending_lock = threading.Lock()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self._finalizer = weakref.finalize(self, _Connections.close_all, self._pool)
        _OPEN.add(self)
        self._guarded(self.migrate)

    @contextmanager
    def connect(self):
        """This thread's connection; any SQLite error closes it, so the next call opens afresh."""
        conn = self._pool.get()
        try:
            yield conn
        except BaseException as error:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(error, sqlite3.Error):
                self._pool.drop()
            raise

    @contextmanager
    def _writing(self):
        """This process's only writer, on a file that can be written, in one transaction; the
        files' state afterwards is ours (see :meth:`state`)."""
        with self._lock, self.connect() as conn:
            if self._stat_files() != self._files:
                self._external += 1  # another process wrote since our last write
            # An open connection keeps writing into its WAL even when the database file itself
            # was made read-only (chmod, chattr +i): ask the file system first, as a new
            # connection would have. One access() call.
            if not os.access(self.path, os.W_OK):
                raise sqlite3.OperationalError("attempt to write a readonly database")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._files = self._stat_files()

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
            self._files = self._stat_files()

    def close(self) -> None:
        """Write the pending "last seen" times and close every connection (idempotent)."""
        self._closed.set()
        flusher = self._flusher
        if flusher is not None and flusher is not threading.current_thread():
            flusher.join(10)
        self.flush()
        self._finalizer()
        _OPEN.discard(self)

    def _guarded(self, operation, *args):
        """Run ``operation``; move a corrupt file aside and retry once; report the unwritable."""
        try:
            return operation(*args)
        except sqlite3.OperationalError as error:
            log.warning("history store unavailable: %s", error)
            raise StorageUnavailable(str(error)) from error
        except sqlite3.DatabaseError as error:
            if not is_corruption(error):
                raise  # a constraint, a type, a bug of ours: the file is fine, keep it
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
            self._pool.epoch += 1  # every thread's connection still points at the old file
            self._pool.drop()
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
                order.ordered_on = readable_day(row["ordered_on"])
        return _day_seen(row["first_seen"])

    def recall_many(self, orders: list[Order], now: datetime) -> dict[int, date | None]:
        """Fill each list-page order of a page with the parcels seen before, and say when each
        was first seen (keyed by ``id(order)``), with one read for the common case: an order
        never seen, or a list-page order whose tracking never was."""
        return self._guarded(self._recall_many, orders, now)

    def _recall_many(self, orders: list[Order], now: datetime) -> dict[int, date | None]:
        with self.connect() as conn:
            rows = _stored(conn, "order_id, tracking_seen, ordered_on, first_seen", [order.order_id for order in orders])
        found: dict[int, date | None] = {}
        for order in orders:
            row = rows.get(order.order_id)
            if row is None:
                found[id(order)] = None
            elif not order.parcels and not row["tracking_seen"]:
                if order.ordered_on is None and row["ordered_on"]:
                    order.ordered_on = readable_day(row["ordered_on"])
                found[id(order)] = _day_seen(row["first_seen"])
            else:
                found[id(order)] = self._recall(order, now)  # parcels to merge: the full reading
        return found

    def delivered_days(self) -> dict[str, list[int]]:
        """The "N일째" of delivery (counted from the order) of every delivered parcel seen, per shipping method
        (companion/usual_days.py): what "usually N–M days" is computed from. Asked by every
        diagnosis of a waiting order, so the answer is kept until the history changes."""
        state = self.state()
        kept = self._delivered
        if kept is not None and kept[0] == state:
            return kept[1]
        found = self._guarded(self._delivered_days)
        self._delivered = (state, found)
        return found

    def _delivered_days(self) -> dict[str, list[int]]:
        from companion import usual_days

        # The order date: the page's, else the "order placed" event's (a tracking page has no other).
        query = """
            SELECT COALESCE(o.ordered_on, (
                SELECT MIN(placed.time) FROM events placed
                WHERE placed.order_id = o.order_id AND placed.milestone = 'order_placed' AND placed.time != ''
            )) AS ordered, p.service, MIN(e.time) AS delivered
            FROM orders o
            JOIN parcels p ON p.order_id = o.order_id
            JOIN events e ON e.order_id = p.order_id AND e.tracking_number = p.tracking_number
            WHERE e.milestone = 'delivered' AND e.time != ''
            GROUP BY o.order_id, p.tracking_number
        """
        found: dict[str, list[int]] = {}
        with self.connect() as conn:
            for row in conn.execute(query):
                # a stored value that cannot be read is unknown: that parcel is left out, never an error
                ordered = _seoul_day(row["ordered"])
                delivered = _seoul_day(row["delivered"])
                if ordered is None or delivered is None:
                    continue
                # Counted like "주문 N일째": delivered on the order day is day 1.
                days = (delivered - ordered).days + 1
                if days >= 1:
                    found.setdefault(usual_days.method_of(row["service"]), []).append(days)
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
        return replace(event, first_seen=dates.parse_iso(row["first_seen"])) if row else event

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
                        time=dates.parse_iso(event["time"]),
                        text=event["text"],
                        code=event["code"] or None,
                        title=event["title"],
                        milestone=event["milestone"],
                        first_seen=None if event["time"] else dates.parse_iso(event["first_seen"]),
                        source=event["source"],
                    )
                )
            parcel.sort_events()
            parcels.append(parcel)
        return parcels

    def waiting(self, statuses: tuple[str, ...], done_causes: frozenset[str]) -> list["Stored"]:
        """Every stored order in one of ``statuses`` whose last diagnosis is not one of
        ``done_causes``, rebuilt as the rules read it: its stored facts and every parcel seen,
        with its events (as :meth:`recall_many` fills a list-page order)."""
        return self._guarded(self._waiting, statuses, done_causes)

    def _waiting(self, statuses: tuple[str, ...], done_causes: frozenset[str]) -> list["Stored"]:
        found = []
        with self.connect() as conn:
            query = f"SELECT * FROM orders WHERE status IN ({','.join('?' * len(statuses))}) ORDER BY order_id"
            for row in conn.execute(query, statuses).fetchall():
                diagnosis = _json_or_none(row["diagnosis"])
                cause = diagnosis.get("cause") if isinstance(diagnosis, dict) else None
                if cause in done_causes:
                    continue
                order = Order(
                    order_id=row["order_id"],
                    status=row["status"],
                    status_text=row["status_text"],
                    ordered_on=readable_day(row["ordered_on"]),
                    shipping_service=row["shipping_service"],
                    protection_until=readable_day(row["protection_until"]),
                    item_title=row["item_title"] or None,
                    parcels=self._parcels(conn, row["order_id"], None),
                    tracking=Tracking.REMEMBERED if row["tracking_seen"] else Tracking.NOT_SEEN,
                )
                found.append(Stored(order, _day_seen(row["first_seen"]), cause if isinstance(cause, str) else None))
        return found

    def action_orders(self) -> list[str]:
        """The ids of the stored orders whose last diagnosis asks the user to act."""
        return self._guarded(self._action_orders)

    def _action_orders(self) -> list[str]:
        with self.connect() as conn:
            rows = conn.execute("SELECT order_id, diagnosis FROM orders ORDER BY order_id").fetchall()
        ids = []
        for row in rows:
            diagnosis = _json_or_none(row["diagnosis"])
            if isinstance(diagnosis, dict) and diagnosis.get("severity") == "action":
                ids.append(row["order_id"])
        return ids

    # -- writing -----------------------------------------------------------------------

    def record(self, answer: dict, page: Page, now: datetime) -> Recorded:
        """Keep every order of an answer, its parcels and each new event, in one transaction.

        Rows whose content is unchanged are not rewritten; when only "last seen" moves, nothing
        is written now (it is batched: :meth:`touch`), so a repeat costs no ``fsync``."""
        recorded = self._guarded(self._record, answer, page, now)
        self.touch([item["order_id"] for item in answer["orders"]], now)
        return recorded

    def _record(self, answer: dict, page: Page, now: datetime) -> Recorded:
        by_id = {o.order_id: o for o in page.orders}
        seen = now.isoformat()
        with self._writing() as conn:
            before = conn.total_changes
            undated = _write_orders(conn, [(item, by_id[item["order_id"]]) for item in answer["orders"] if item["order_id"] in by_id], seen)
            if self.retention_days:
                cutoff = (now - timedelta(days=self.retention_days)).isoformat()
                conn.execute("DELETE FROM orders WHERE last_seen < ?", (cutoff,))
            changed = conn.total_changes != before
            if changed:
                self.generation += 1
        return Recorded(changed=changed, recall_changed=undated > 0)

    def record_refresh(self, answer: dict, page: Page, now: datetime) -> Recorded:
        """Keep a background re-check's diagnoses and any events its live lookups found, in one
        transaction. Unlike :meth:`record` it never moves "last seen" (the user did not see the
        order: the list stays in the order of their visits, and retention still forgets what
        they stopped looking at) and never brings back an order forgotten meanwhile."""
        return self._guarded(self._record_refresh, answer, page, now)

    def _record_refresh(self, answer: dict, page: Page, now: datetime) -> Recorded:
        by_id = {o.order_id: o for o in page.orders}
        with self._writing() as conn:
            before = conn.total_changes
            stored = _stored(conn, "order_id", [item["order_id"] for item in answer["orders"]])
            kept = [(item, by_id[item["order_id"]]) for item in answer["orders"] if item["order_id"] in by_id and item["order_id"] in stored]
            # "" never wins MAX(last_seen, …): the stored "last seen" stays
            undated = _write_orders(conn, kept, now.isoformat(), last_seen="")
            changed = conn.total_changes != before
            if changed:
                self.generation += 1
        return Recorded(changed=changed, recall_changed=undated > 0)

    def touch(self, order_ids: list[str], now: datetime) -> None:
        """These orders were seen at ``now``: written within :data:`FLUSH_SECONDS` (batched)."""
        seen = now.isoformat()
        with self._pending_lock:
            for order_id in order_ids:
                if self._pending.get(order_id, "") < seen:
                    self._pending[order_id] = seen
            if self._pending and self._flusher is None and not self._closed.is_set():
                self._flusher = threading.Thread(target=self._flush_soon, name="history-flush", daemon=True)
                self._flusher.start()

    def _flush_soon(self) -> None:
        """Gather a few seconds' worth, write them at once; end when nothing is left to write
        (the next :meth:`touch` starts another), closing its connection: a thread per batch
        left one open each, two file descriptors and a page cache apiece, for as long as the
        companion ran."""
        try:
            while not self._closed.wait(FLUSH_SECONDS):
                self.flush()
                with self._pending_lock:
                    if not self._pending:
                        self._flusher = None
                        return
        finally:
            self._pool.drop()

    def flush(self) -> None:
        """Write the pending "last seen" times now (kept for the next try if the disk refuses)."""
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        try:
            self._guarded(self._write_last_seen, pending)
        except StorageUnavailable:
            with self._pending_lock:
                for order_id, seen in pending.items():
                    if self._pending.get(order_id, "") < seen:
                        self._pending[order_id] = seen

    def _write_last_seen(self, pending: dict[str, str]) -> None:
        with self._writing() as conn:
            conn.executemany(
                "UPDATE orders SET last_seen = ? WHERE order_id = ? AND last_seen < ?",
                [(seen, order_id, seen) for order_id, seen in pending.items()],
            )
            if self.retention_days:
                latest = datetime.fromisoformat(max(pending.values()))
                cutoff = (latest - timedelta(days=self.retention_days)).isoformat()
                if conn.execute("DELETE FROM orders WHERE last_seen < ?", (cutoff,)).rowcount:
                    self.generation += 1  # forgetting an order changes what a diagnosis recalls

    # -- the /v1/orders resource -------------------------------------------------------

    def list_orders(self, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
        """Most recently seen first; the cursor is opaque to callers."""
        if cursor:
            decode_cursor(cursor)  # a bad cursor is the caller's error, raised before any I/O
        # No flush here: a batched "last seen" shows within FLUSH_SECONDS, and the list stays a
        # read (it is polled while diagnoses run; a write would make it wait behind them).
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
                # A stored time that cannot be read (written by hand) is unknown, not an error.
                "first_seen": r["first_seen"] if dates.parse_iso(r["first_seen"]) else None,
                "last_seen": r["last_seen"] if dates.parse_iso(r["last_seen"]) else None,
            }
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return items, encode_cursor(rows[limit - 1]["last_seen"], rows[limit - 1]["order_id"]) if more else None

    def overview(self) -> list[dict]:
        """Every stored order with its parcels and their events, in three reads (the dashboard)."""
        return self._guarded(self._overview)

    def _overview(self) -> list[dict]:
        with self.connect() as conn:
            orders = {
                row["order_id"]: {**dict(row), "diagnosis": _json_or_none(row["diagnosis"]), "parcel_rows": []}
                for row in conn.execute("SELECT * FROM orders")
            }
            parcels = {}
            for row in conn.execute("SELECT * FROM parcels ORDER BY first_seen"):
                if row["order_id"] in orders:
                    parcel = {**dict(row), "events": []}
                    parcels[(row["order_id"], row["tracking_number"])] = parcel
                    orders[row["order_id"]]["parcel_rows"].append(parcel)
            for row in conn.execute("SELECT * FROM events"):
                parcel = parcels.get((row["order_id"], row["tracking_number"]))
                if parcel is not None:
                    parcel["events"].append(
                        Event(
                            # an unreadable stored time is an unknown one, never an error
                            time=dates.parse_iso(row["time"]) if row["time"] else None,
                            text=row["text"],
                            code=row["code"] or None,
                            title=row["title"],
                            milestone=row["milestone"],
                            first_seen=dates.parse_iso(row["first_seen"]),
                            source=row["source"],
                        )
                    )
        return list(orders.values())

    def forget(self, order_id: str) -> bool:
        return self._guarded(self._forget, order_id)

    def _forget(self, order_id: str) -> bool:
        with self._pending_lock:
            self._pending.pop(order_id, None)
        with self._writing() as conn:
            self.generation += 1
            return conn.execute("DELETE FROM orders WHERE order_id = ?", (order_id,)).rowcount > 0

    def state(self) -> State:
        """What the stored history is now, cheaply: this process's content writes so far, and
        how many times the files were found changed by another process (their size and time
        moved since our own last write). Equal states mean the same history, so an answer
        computed from it may be given again. "Last seen" alone does not count: no diagnosis
        reads it."""
        with self._lock:
            files = self._stat_files()
            if files != self._files:
                self._files = files
                self._external += 1
            return State(self.generation, self._external)

    def _stat_files(self) -> tuple:
        files = []
        for suffix in ("", "-wal"):
            try:
                info = os.stat(f"{self.path}{suffix}")
                files.append((info.st_ino, info.st_mtime_ns, info.st_size))
            except OSError:
                files.append(None)
        return tuple(files)


EXPORT_FORMAT = "parcel-doctor/history"
_TABLES = ("orders", "parcels", "events")
_JSON_COLUMNS = {"orders": ("diagnosis", "parcels")}


def export_history(history: History) -> dict:
    """Everything the store holds, as plain JSON (the JSON columns as objects, not strings)."""

    def dump():
        history.flush()
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
    """Add (or replace) what an export holds; returns the number of orders. All or nothing:
    every record is checked before any is written (:class:`history_file.BadExport`)."""
    tables = history_file.check(data, EXPORT_FORMAT, len(MIGRATIONS))

    def load():
        with history._writing() as conn:
            for table in _TABLES:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                for item in tables[table]:
                    values = [
                        _json(item[c]) if c in _JSON_COLUMNS.get(table, ()) else item[c]
                        for c in columns
                    ]
                    placeholders = ", ".join("?" for _ in columns)
                    conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", values)
            history.generation += 1
        return len(tables["orders"])

    return history._guarded(load)


def is_corruption(error: sqlite3.DatabaseError) -> bool:
    """The file itself is damaged (SQLITE_CORRUPT, SQLITE_NOTADB): only then is it moved aside.
    A constraint or type error is a bad write, and the history it would lose is fine."""
    if type(error) is not sqlite3.DatabaseError:  # IntegrityError, ProgrammingError, … are subclasses
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


def _seoul_day(text) -> date | None:
    """A stored day ("2026-09-01") or time (ISO, read in Seoul); None when it cannot be read."""
    if isinstance(text, str) and "T" not in text:
        return readable_day(text)
    moment = dates.parse_iso(text)
    return moment.astimezone(dates.KST).date() if moment else None


def _day_seen(text) -> date | None:
    """The day of a stored "first seen" time; None ("unknown") when it cannot be read."""
    moment = dates.parse_iso(text)
    return moment.date() if moment else None


def _json_or_none(text: str):
    """A stored JSON column; one that cannot be read is unknown, never an error."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return None


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
    """The app's history; its connections close (and "last seen" is written) at exit, or
    earlier with ``history(app).close()``."""
    app.extensions["parcel_doctor.history"] = History(
        Path(app.config["DATA_DIR"]) / "history.sqlite3", retention_days=app.config.get("RETENTION_DAYS")
    )
