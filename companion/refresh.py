"""A background re-check of the orders still on their way, without any page (``POST /v1/refresh``,
docs/design.md §3 and §12).

Each stored order still awaiting shipment or delivery is rebuilt from the history store with
every parcel and event seen, the live lookups the user turned on are asked about some of them,
the rules run again with the current date, and the new diagnosis is kept. What comes back is
what changed: the extension turns the changes that need the user into notifications.

Without any live lookup on, the rules alone still find what time changes: buyer protection
ending within days, an order passing its usual window, 60 days without news.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from companion import links
from companion import lookups
from companion import report
from companion import rules
from companion.models import Page
from companion.scrub import scrub_event
from companion.store import History

# The orders worth re-checking: those the shopper is still waiting for. "unknown" is a tracking
# page's order (the page does not say the order status); its parcels decide.
WAITING_STATUSES = ("awaiting_shipment", "awaiting_delivery", "unknown")
DONE_CAUSES = frozenset({"delivered", "cancelled", "not_paid"})
# Numbers one re-check may send out, all providers together. It is one capture's share of the
# per-provider cap (lookups.NUMBERS_PER_CAPTURE is 20: a list page of 10 orders with two
# numbers each), so a re-check costs the providers no more than the user opening one page; with
# more orders waiting, each re-check takes the next ones in turn (by order id, wrapping round).
NUMBERS_PER_REFRESH = 20

_turns: dict[str, str] = {}  # data dir -> the last order id looked up live, for the next turn
_turns_lock = threading.Lock()


@dataclass
class Refreshed:
    """What a re-check found and the store now holds."""

    changed: list[dict]
    checked: int
    action_orders: list[str]
    warnings: list[str]

    def to_json(self) -> dict:
        return {
            "changed": self.changed,
            "checked": self.checked,
            "action_count": len(self.action_orders),
            "action_orders": self.action_orders,
            "warnings": self.warnings,
        }


def refresh(store: History, now: datetime, lang: str = "ko", data_dir=None, service=None) -> Refreshed:
    """Re-check every waiting order at ``now`` (Seoul time); ``data_dir`` holds the live-lookup
    settings (without it nothing leaves the machine)."""
    stored = store.waiting(WAITING_STATUSES, DONE_CAUSES)
    orders = [entry.order for entry in stored]
    warnings: list[str] = []
    live = None
    if data_dir is not None and orders:
        live = lookups.lookup(_this_turn(orders, str(data_dir)), None, now, data_dir, service=service)
        warnings = live.warnings_in(lang)
        for order in orders:  # no name or phone number from a live answer is kept
            for parcel in order.parcels:
                parcel.events = [scrub_event(event) for event in parcel.events]
    history = store.delivered_days() if orders else {}
    results = []
    for entry in stored:
        case = rules.build_case(entry.order, now, first_seen=entry.first_seen, live=live, history=history)
        results.append((case, rules.evaluate(case)))
    page = Page(site="aliexpress", kind="generic", orders=orders)
    answer = report.response(page, results, lang)
    if orders:
        store.record_refresh(answer, page, now)
    changed = [
        _change(item, entry.cause)
        for entry, item in zip(stored, answer["orders"])
        if item["diagnosis"]["cause"] != entry.cause
    ]
    return Refreshed(changed=changed, checked=len(orders), action_orders=store.action_orders(), warnings=warnings)


def _this_turn(orders: list, key: str) -> list:
    """The orders to look up live this time: from the one after the last looked up, as many
    as :data:`NUMBERS_PER_REFRESH` numbers allow (each order whole)."""
    with_numbers = [order for order in orders if _numbers(order)]
    if not with_numbers:
        return []
    with _turns_lock:
        last = _turns.get(key, "")
        start = next((i for i, order in enumerate(with_numbers) if order.order_id > last), 0)
        rotated = with_numbers[start:] + with_numbers[:start]
        chosen, count = [], 0
        for order in rotated:
            size = len(_numbers(order))
            if size > NUMBERS_PER_REFRESH:
                continue  # more parcels than a re-check may ask about: only its page asks
            if count + size > NUMBERS_PER_REFRESH:
                break
            count += size
            chosen.append(order)
        if chosen:
            _turns[key] = chosen[-1].order_id
    return chosen


def _numbers(order) -> set[str]:
    return {n for parcel in order.parcels for n in (parcel.tracking_number, parcel.domestic_number) if n}


def _change(item: dict, before: str | None) -> dict:
    diagnosis = item["diagnosis"]
    step = diagnosis["actions"][0] if diagnosis["actions"] else None
    domestic = next((p["domestic"]["tracking_number"] for p in item["parcels"] if p["domestic"]), None)
    return {
        "order_id": item["order_id"],
        "before": before,
        "after": diagnosis["cause"],
        "severity": diagnosis["severity"],
        "title": diagnosis["title"],
        "explanation": diagnosis["explanation"],
        "next_step": {"label": step["label"], "url": step["url"]} if step else None,
        "tracking_url": links.link("aliexpress_tracking", order_id=item["order_id"]).url,
        "domestic_number": domestic,
    }
