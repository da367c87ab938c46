"""What a history export (``parcel-doctor export``) must hold, checked before any of it is written.

SQLite takes much that the store cannot read back: an object or null for a status, "not a date"
for a date, a parcel of an order that is not there (refused only by a foreign key, mid-import).
So an import checks every record first, in file order, and refuses the whole file at the first
bad one, naming it in Korean and English; nothing reaches the database unless all of it is good.
"""

from __future__ import annotations

import json
from datetime import date

from companion import dates
from companion.i18n import message
from companion.models import ORDER_STATUSES


class BadExport(ValueError):
    """A file that cannot be imported; :meth:`say` tells why in the user's language."""

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values
        super().__init__(self.say("en"))

    def say(self, lang: str) -> str:
        values = {k: v(lang) if callable(v) else v for k, v in self.values.items()}
        return message(self.key, lang, **values)


# -- the kinds of value a column holds: each returns the problem's message key, or None -------


def _text(value) -> str | None:
    return None if isinstance(value, str) and _utf8(value) else "import.problem.text"


def _text_or_null(value) -> str | None:
    return None if value is None or (isinstance(value, str) and _utf8(value)) else "import.problem.text_or_null"


def _flag(value) -> str | None:
    return None if type(value) is int and value in (0, 1) else "import.problem.flag"


def _status(value) -> str | None:
    return None if value in ORDER_STATUSES and isinstance(value, str) else "import.problem.status"


def _day_or_null(value) -> str | None:
    return None if value is None or readable_day(value) is not None else "import.problem.day_or_null"


def _moment(value) -> str | None:
    return None if dates.parse_iso(value) is not None else "import.problem.moment"


def _moment_or_empty(value) -> str | None:
    return None if value == "" or dates.parse_iso(value) is not None else "import.problem.moment_or_empty"


def _object(value) -> str | None:
    return None if isinstance(value, dict) and _utf8(json.dumps(value, ensure_ascii=False)) else "import.problem.object"


def _objects(value) -> str | None:
    good = isinstance(value, list) and all(isinstance(v, dict) for v in value) and _utf8(json.dumps(value, ensure_ascii=False))
    return None if good else "import.problem.objects"


# The columns of each table (tests hold this to the schema in ``store.MIGRATIONS``).
COLUMNS = {
    "orders": {
        "order_id": _text,
        "status": _status,
        "status_text": _text,
        "ordered_on": _day_or_null,
        "tracking_seen": _flag,
        "diagnosis": _object,
        "parcels": _objects,
        "first_seen": _moment,
        "last_seen": _moment,
        "item_title": _text,
        "protection_until": _day_or_null,
        "shipping_service": _text_or_null,
    },
    "parcels": {
        "order_id": _text,
        "tracking_number": _text,
        "service": _text_or_null,
        "carrier_name": _text_or_null,
        "domestic_number": _text_or_null,
        "first_seen": _moment,
    },
    "events": {
        "order_id": _text,
        "tracking_number": _text,
        "time": _moment_or_empty,
        "code": _text,
        "text": _text,
        "title": _text,
        "milestone": _text_or_null,
        "first_seen": _moment,
        "source": _text,
    },
}


def check(data, export_format: str, schema: int) -> dict[str, list[dict]]:
    """The tables of an export, every record checked; raises :class:`BadExport` otherwise."""
    if not isinstance(data, dict) or data.get("format") != export_format:
        raise BadExport("import.not_export")
    if data.get("schema") != schema:
        raise BadExport("import.other_schema", found=str(data.get("schema"))[:20], wanted=schema)
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(tables.get(t), list) for t in COLUMNS):
        raise BadExport("import.no_tables")
    orders = set()
    for table, columns in COLUMNS.items():
        for number, record in enumerate(tables[table], start=1):
            problem = _problem(record, columns, table, orders)
            if problem is not None:
                key, field = problem
                order_id = record.get("order_id") if isinstance(record, dict) else None
                raise BadExport(
                    "import.bad_record",
                    table=lambda lang, t=table: message(f"import.table.{t}", lang),
                    number=number,
                    order=(lambda lang, o=order_id: message("import.record_order", lang, order_id=o[:40]))
                    if isinstance(order_id, str) and order_id
                    else "",
                    problem=lambda lang, k=key, f=field: message(k, lang, field=f, fields=", ".join(columns), values=", ".join(ORDER_STATUSES)),
                )
            if table == "orders":
                orders.add(record["order_id"])
    return {table: tables[table] for table in COLUMNS}


def _problem(record, columns: dict, table: str, orders: set) -> tuple[str, str] | None:
    if not isinstance(record, dict):
        return "import.problem.not_object", ""
    if set(record) != set(columns):
        return "import.problem.fields", ""
    for name, kind in columns.items():
        key = kind(record[name])
        if key is not None:
            return key, name
    if table != "orders" and record["order_id"] not in orders:
        return "import.problem.unknown_order", "order_id"
    return None


def readable_day(value) -> date | None:
    """A stored or imported ``YYYY-MM-DD``, or None when it cannot be read as one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _utf8(text: str) -> bool:
    """No lone surrogate (JSON may escape one; SQLite cannot store it as text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
