"""What the rules read: one order with every fact about its parcels worked out once.

The rules stay small because the arithmetic (days since the last change, when customs began,
which carrier took over in Korea) happens here, once, and is the same for every rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from companion import milestones
from companion import numbers
from companion import usual_days
from companion.models import Event
from companion.models import Order
from companion.models import Parcel

THRESHOLDS = {
    key: entry["value"]
    for key, entry in json.loads(Path(__file__).with_name("thresholds.json").read_text(encoding="utf-8")).items()
    if not key.startswith("_")
}


@dataclass
class ParcelFacts:
    """One parcel, read: its number's carrier, where it is, and since when."""

    parcel: Parcel
    identity: numbers.Identification | None
    carrier: numbers.Carrier | None
    stage: str
    last_event: Event | None
    last_change: date | None
    customs_since: date | None
    hold_event: Event | None
    domestic_carrier: numbers.Carrier | None
    domestic_number: str | None
    untracked: bool
    has_carrier_event: bool
    not_found_by: tuple[str, ...] = ()  # live lookups that answered "no such number (yet)"

    @property
    def number(self) -> str | None:
        return self.parcel.tracking_number

    @property
    def number_valid(self) -> bool | None:
        """Whether the number is a real one; None when it was not identified. A number a carrier
        has events for is real, whatever its check digit says."""
        if self.identity is None:
            return None
        return self.identity.valid or self.has_carrier_event

    @property
    def active(self) -> bool:
        """Still on its way (not delivered)."""
        return self.stage != "delivered"


@dataclass
class Case:
    """An order and its parcels, with the capture time as "now". Every rule reads the same
    derived facts (the age, the protection end…): each is worked out once per case."""

    order: Order
    now: datetime
    parcels: list[ParcelFacts]
    thresholds: dict = field(default_factory=lambda: dict(THRESHOLDS))
    first_seen: date | None = None  # from the history store: when we first saw this order
    history: dict = field(default_factory=dict)  # the user's order-to-delivery days per shipping method

    @property
    def tracking_seen(self) -> bool:
        """A tracking page or payload was read for this order, now or before."""
        return self.order.tracking_seen

    @cached_property
    def today(self) -> date:
        return self.now.date()

    @cached_property
    def active(self) -> list[ParcelFacts]:
        return [p for p in self.parcels if p.active]

    @cached_property
    def ship_date(self) -> date | None:
        """When the seller handed it over: the page's date, else the first shipping event."""
        if self.order.shipped_on:
            return self.order.shipped_on
        days = [
            e.time.date()
            for p in self.parcels
            for e in p.parcel.events
            if e.time and e.milestone in milestones.SHIPPING
        ]
        return min(days) if days else None

    @cached_property
    def ordered_on(self) -> date | None:
        """The order date from the page, else from the "order created" event."""
        if self.order.ordered_on:
            return self.order.ordered_on
        days = [e.time.date() for p in self.parcels for e in p.parcel.events if e.time and e.milestone == "order_placed"]
        return min(days) if days else None

    @cached_property
    def waiting(self) -> bool:
        """Not yet shipped or not yet arrived: the orders whose age is worth counting."""
        if self.order.status in ("awaiting_shipment", "awaiting_delivery"):
            return not self.parcels or bool(self.active)
        return self.order.status == "unknown" and bool(self.active)

    @cached_property
    def age(self) -> int | None:
        """"주문 N일째": the order day is day 1, as in Korean usage."""
        return self.days_since(self.ordered_on) + 1 if self.ordered_on else None

    @cached_property
    def service(self) -> str | None:
        return self.order.shipping_service or next((p.parcel.service for p in self.parcels if p.parcel.service), None)

    @cached_property
    def usual(self) -> usual_days.UsualDays:
        return usual_days.usual(self.service, self.history)

    @cached_property
    def protection_end(self) -> tuple[date, str] | None:
        """When buyer protection ends and who says so: ``"page"`` (the order page's own date)
        or ``"default"`` (``protection_days`` from shipping, or from the order date plus the
        seller's handling time when the shipping date is unknown)."""
        if self.order.protection_until:
            return self.order.protection_until, "page"
        start = self.ship_date
        if start is None and self.ordered_on:
            start = self.ordered_on + timedelta(days=self.t("processing_days"))
        return (start + timedelta(days=self.t("protection_days")), "default") if start else None

    @cached_property
    def age_state(self) -> str | None:
        """The judgment from the dates alone: ``usual`` (within the usual window), ``slow``
        (past it) or ``overdue`` (past buyer protection); None when the order is not waiting."""
        if not self.waiting or self.age is None:
            return None
        end = self.protection_end
        if end is not None and end[0] < self.today:
            return "overdue"
        limit = self.t("processing_days") if self.order.status == "awaiting_shipment" else self.usual.high
        return "slow" if self.age > limit else "usual"

    def days_since(self, day: date | None) -> int | None:
        return (self.today - day).days if day else None

    def t(self, name: str) -> int:
        return self.thresholds[name]


def build_case(order: Order, now: datetime, first_seen: date | None = None, live=None, history=None) -> Case:
    """Work out the facts of every parcel of ``order``; ``live`` is the live lookups' report,
    ``history`` the user's delivered days per shipping method (the history store's)."""
    return Case(
        order=order,
        now=now,
        parcels=[parcel_facts(p, now, _not_found_by(live, p)) for p in order.parcels],
        first_seen=first_seen,
        history=history or {},
    )


def _not_found_by(live, parcel: Parcel) -> tuple[str, ...]:
    if live is None:
        return ()
    from companion.lookups import PROVIDERS

    return tuple(provider.source for provider in PROVIDERS if live.not_found(parcel, provider.id))


def parcel_facts(parcel: Parcel, now: datetime, not_found_by: tuple[str, ...] = ()) -> ParcelFacts:
    identity = numbers.identify(parcel.tracking_number, parcel.carrier_name) if parcel.tracking_number else None
    carrier = identity.carriers[0] if identity and identity.carriers else None
    newest = parcel.events[0] if parcel.events else None
    named = [e.milestone for e in parcel.events]
    dated = sorted((e for e in parcel.events if e.known_since), key=lambda e: e.known_since, reverse=True)
    domestic_carrier, domestic_number = numbers.domestic_leg(parcel.tracking_number, parcel.domestic_number, parcel.carrier_name)
    stage = milestones.stage_of(newest.milestone) if newest else ("info_received" if parcel.tracking_number else "unknown")
    if stage == "unknown" and newest is not None:
        stage = "in_transit" if any(m in milestones.CARRIER_EVENTS for m in named) else "info_received"
    if domestic_number and stage in ("in_transit", "info_received", "customs", "unknown") and _past_customs(named):
        stage = "handed_over"
    return ParcelFacts(
        parcel=parcel,
        identity=identity,
        carrier=carrier,
        stage=stage,
        last_event=newest,
        last_change=dated[0].known_since.date() if dated else None,
        customs_since=_customs_since(parcel.events),
        hold_event=next((e for e in parcel.events[:3] if e.milestone == "customs_hold"), None)
        if stage == "customs"
        else None,
        domestic_carrier=domestic_carrier,
        domestic_number=domestic_number,
        # The carrier's own statement first; then guesses from the service name and the number.
        untracked=bool(parcel.untracked_note) or milestones.is_untracked_service(parcel.service) or _untracked_number(identity),
        has_carrier_event=any(m in milestones.CARRIER_EVENTS for m in named),
        not_found_by=not_found_by,
    )


def _untracked_number(identity) -> bool:
    """A number whose format alone says tracking stops early: a U… S10, or a number only a
    Chinese domestic carrier issues (never when a Korean courier could have issued it too)."""
    if identity is None or not identity.valid:
        return False
    if identity.tracking == "partial":
        return True
    kinds = {c.kind for c in identity.carriers}
    return identity.tracking == "origin_only" and kinds == {"cn_domestic"}


def _past_customs(named: list) -> bool:
    return any(m in milestones.CLEARED_CUSTOMS for m in named)


def _customs_since(events: list[Event]) -> date | None:
    """The day import customs began, if the parcel is still in customs (newest event first)."""
    since = None
    for event in events:
        if event.milestone in milestones.IN_CUSTOMS:
            if event.time:
                since = event.time.date()
        else:
            break
    return since


def future_limit(now: datetime) -> datetime:
    """Events later than this are impossible (the carrier's clock or data is wrong)."""
    return now + timedelta(days=1)


def steady_span(now: datetime, event_times: list[datetime]) -> tuple[datetime, datetime]:
    """The capture times [from, until) around ``now`` that the rules answer exactly as at ``now``.

    The rules count Seoul calendar days (``Case.today``), so the span is at most ``now``'s day;
    the one comparison at a time of day is :func:`future_limit`, so it ends (or starts) where an
    event crosses it."""
    start = datetime.combine(now.date(), time(0), now.tzinfo)
    end = start + timedelta(days=1)
    for when in event_times:
        edge = when - timedelta(days=1)  # the capture time at which ``when`` stops being "future"
        if start < edge <= now:
            start = edge
        elif now < edge < end:
            end = edge
    return start, end
