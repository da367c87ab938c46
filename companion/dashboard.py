"""What the extension's dashboard shows: every remembered order, what needs the user first,
each parcel's journey, and the user's own usual days (``GET /v1/dashboard``).

Built from the history store alone: the diagnosis is the one last given for the order (in the
language it was asked in), while the day counts are counted again for today.
"""

from __future__ import annotations

import statistics
from datetime import date

from companion import dates
from companion import journey
from companion import usual_days
from companion.history_file import readable_day

# What needs the user first: act, then wait, then read, then moving well, then done.
SEVERITY_ORDER = ("action", "wait", "info", "ok")
DONE_CAUSES = frozenset({"delivered", "cancelled"})


def overview(rows: list[dict], today: date, lang: str, delivered_days: dict[str, list[int]]) -> dict:
    """Every order, sorted by what needs the user first, with the figures across all of them.
    ``delivered_days`` is the store's "주문 N일째" of each delivered parcel per shipping method."""
    journeys = {}
    delivered = []
    for row in rows:
        ordered_on = readable_day(row["ordered_on"])
        for parcel in row["parcel_rows"]:
            reached = journey.stage_dates(ordered_on, parcel["events"])
            journeys[(row["order_id"], parcel["tracking_number"])] = reached
            if journey.DELIVERED in reached:
                delivered.append(reached)
    usual = journey.usual_days(delivered)
    orders = [_order(row, journeys, usual, today, lang) for row in rows]
    orders.sort(key=_urgency)
    return {
        "today": today.isoformat(),
        "orders": orders,
        "summary": {
            "total": len(orders),
            "causes": _count(o["diagnosis"]["cause"] for o in orders if o["diagnosis"]),
            "delivery_days": _delivery_days(delivered_days),
        },
    }


def _order(row: dict, journeys: dict, usual: dict, today: date, lang: str) -> dict:
    ordered_on = readable_day(row["ordered_on"])
    protection = readable_day(row["protection_until"])
    diagnosis = row["diagnosis"] if isinstance(row["diagnosis"], dict) and row["diagnosis"].get("cause") else None
    parcels = []
    for parcel in row["parcel_rows"]:
        events = sorted(parcel["events"], key=_event_time, reverse=True)
        parcels.append(
            {
                "tracking_number": parcel["tracking_number"] or None,
                "domestic_number": parcel["domestic_number"],
                "carrier_name": parcel["carrier_name"],
                "service": parcel["service"],
                "events": [_event(e) for e in events],
                "journey": journey.draw(journeys[(row["order_id"], parcel["tracking_number"])], today, usual, lang),
            }
        )
    last = max((p["events"][0] for p in parcels if p["events"]), key=lambda e: e["date"] or "", default=None)
    return {
        "order_id": row["order_id"],
        "item_title": row["item_title"] or None,
        "status": row["status"],
        "status_text": row["status_text"],
        "ordered_on": ordered_on.isoformat() if ordered_on else None,
        "order_age_days": (today - ordered_on).days if ordered_on else None,
        "shipping_service": row["shipping_service"] or next((p["service"] for p in parcels if p["service"]), None),
        "protection_until": protection.isoformat() if protection else None,
        "protection_days_left": (protection - today).days if protection else None,
        "diagnosis": diagnosis,
        "last_event": last,
        "parcels": parcels,
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
    }


def _event(event) -> dict:
    when = _event_time(event)
    return {
        "date": when.astimezone(dates.KST).date().isoformat() if when else None,
        "text": event.text,
        "title": event.title or None,
        "stage": journey.STAGE_OF_MILESTONE.get(event.milestone or ""),
        "source": event.source or None,
    }


def _event_time(event):
    return event.time or event.first_seen


def _urgency(order: dict) -> tuple:
    diagnosis = order["diagnosis"] or {}
    severity = diagnosis.get("severity")
    rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    done = diagnosis.get("cause") in DONE_CAUSES
    left = order["protection_days_left"]
    return (done, rank, left if left is not None else 10**6, order["ordered_on"] or "9999", order["order_id"])


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _delivery_days(by_method: dict[str, list[int]]) -> list[dict]:
    """The user's own median days from order to door (counted as "주문 N일째"), per shipping
    method, with how many parcels each figure rests on and the window the rules use for it."""
    figures = []
    for method, days in sorted(by_method.items(), key=lambda item: -len(item[1])):
        window = usual_days.usual_for_method(method, by_method)
        figures.append(
            {"method": method, "median_days": statistics.median(days), "count": len(days), "usual": window.to_dict()}
        )
    return figures
