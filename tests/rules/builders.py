"""Small builders so a rule example reads like the situation it describes."""

from __future__ import annotations

from datetime import date

from companion import dates
from companion.models import Event
from companion.models import Order
from companion.models import Parcel
from companion.models import Tracking
from companion.parsing import vocabulary
from companion.rules import build_case
from companion.rules import evaluate

NOW = "2026-09-30T10:00:00+09:00"


def event(when: str | None, code: str | None = None, text: str = "") -> Event:
    """``event("2026-09-27 14:02", "AE_CC_IM_START")`` — the wording is optional when a code is given."""
    return Event(
        time=dates.parse_datetime(when, dates.parse_iso(NOW)) if when else None,
        text=text or (code or ""),
        code=code,
        milestone=vocabulary.classify_event(code, text),
    )


def parcel(number: str | None = None, *events: Event, service: str | None = None, carrier: str | None = None,
           domestic: str | None = None, blocked: bool = False, eta: str | None = None) -> Parcel:
    return Parcel(
        tracking_number=number,
        service=service,
        carrier_name=carrier,
        domestic_number=domestic,
        number_blocked=blocked,
        events=list(events),
        eta_end=date.fromisoformat(eta) if eta else None,
    )


def order(status: str = "awaiting_delivery", *parcels: Parcel, ordered: str | None = "2026-09-12",
          shipped: str | None = None, protection: str | None = None) -> Order:
    built = Order(
        order_id="8215000000000001",
        status=status,
        ordered_on=date.fromisoformat(ordered) if ordered else None,
        shipped_on=date.fromisoformat(shipped) if shipped else None,
        protection_until=date.fromisoformat(protection) if protection else None,
        parcels=list(parcels),
    )
    for p in built.parcels:
        p.sort_events()
    return built


def causes(built: Order, now: str = NOW, tracking_seen: bool = True) -> list[str]:
    """Every cause that fires, primary first."""
    return [f.cause for f in findings(built, now, tracking_seen)]


def findings(built: Order, now: str = NOW, tracking_seen: bool = True):
    built.tracking = Tracking.READ if tracking_seen else Tracking.NOT_SEEN
    return evaluate(build_case(built, dates.parse_iso(now)))
