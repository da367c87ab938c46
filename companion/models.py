"""What the parsers extract and the rules read: plain, frozen-where-possible data.

The parsers fill these from a page or a JSON payload; they never decide a cause. The JSON
shape that leaves the companion is built in ``companion.report`` from these objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from enum import IntEnum

from companion import dates
from companion import milestones

ORDER_STATUSES = (
    "awaiting_payment",
    "awaiting_shipment",
    "awaiting_delivery",
    "completed",
    "cancelled",
    "unknown",
)

STAGES = (
    "not_shipped",
    "info_received",
    "in_transit",
    "customs",
    "handed_over",
    "out_for_delivery",
    "delivered",
    "exception",
    "unknown",
)


@dataclass(frozen=True)
class Event:
    """One tracking event as the page or payload shows it."""

    time: datetime | None
    text: str
    code: str | None = None  # AliExpress trackingSecondCode, when the data gives it
    title: str = ""
    location: str = ""
    milestone: str | None = None  # what happened, from the code or else the wording (vocabulary.json)
    first_seen: datetime | None = None  # for an undated event: when the history store first saw it
    source: str = ""  # where a live lookup found it ("Cainiao", "UNI-PASS", "CJ대한통운"); "" for the page

    @property
    def known_since(self) -> datetime | None:
        """Its own time, else the first time we saw it (an upper bound on when it happened)."""
        return self.time or self.first_seen

    def key(self) -> tuple:
        """Identity for de-duplication: the same event seen twice is one event."""
        return (self.time.isoformat() if self.time else None, self.code, self.text)


@dataclass
class Parcel:
    """One package of an order, with its events newest first."""

    tracking_number: str | None = None
    origin_number: str | None = None  # Cainiao LP… behind a last-mile number, when shown
    number_blocked: bool = False  # AliExpress hides the number (``blockMailNo``)
    service: str | None = None  # "AliExpress Selection Standard", "Cainiao Super Economy Global" …
    carrier_name: str | None = None  # what the page says carries it ("CJ", "Hanjin", "J&T Express")
    domestic_number: str | None = None  # a number the last-mile carrier gave (logisticsCpInfo)
    untracked_note: str | None = None  # the carrier's own word that tracking stops (Cainiao mailTypeDesc)
    events: list[Event] = field(default_factory=list)
    eta_end: date | None = None

    def sort_events(self) -> None:
        self.events = sort_events(self.events)


class Tracking(IntEnum):
    """Whether an order's tracking was seen: what "not checked yet" turns on. Ordered, so that
    merging two readings keeps the more direct one."""

    NOT_SEEN = 0
    REMEMBERED = 1  # its parcels come from an earlier tracking reading, kept by the history store
    READ = 2  # this capture holds its tracking page or tracking JSON


@dataclass
class Order:
    """One order as one page (or payload) shows it."""

    order_id: str
    status: str = "unknown"
    status_text: str = ""
    status_code: str | None = None  # list ``orderStatus`` ("8", "9") when the payload gives it
    ordered_on: date | None = None
    shipped_on: date | None = None
    shipping_service: str | None = None
    parcels: list[Parcel] = field(default_factory=list)
    protection_until: date | None = None  # "Refund if no delivery before …" on the page
    item_title: str | None = None  # the first item's name, for the dashboard
    has_tracking_link: bool = False
    buttons: list[str] = field(default_factory=list)  # button kinds: "tracking", "pay", "dispute" …
    sources: list[str] = field(default_factory=list)  # where the facts came from, for evidence only
    tracking: Tracking = Tracking.NOT_SEEN

    @property
    def tracking_seen(self) -> bool:
        return self.tracking is not Tracking.NOT_SEEN

    def merge(self, other: "Order") -> None:
        """Fill what this order lacks from another reading of the same order."""
        if self.status == "unknown" and other.status != "unknown":
            self.status = other.status
        if other.status_code and not self.status_code:
            self.status_code = other.status_code
            if other.status != "unknown":
                self.status = other.status  # a code beats wording
        self.status_text = self.status_text or other.status_text
        self.ordered_on = self.ordered_on or other.ordered_on
        self.shipped_on = self.shipped_on or other.shipped_on
        self.shipping_service = self.shipping_service or other.shipping_service
        self.protection_until = self.protection_until or other.protection_until
        self.item_title = self.item_title or other.item_title
        self.has_tracking_link = self.has_tracking_link or other.has_tracking_link
        self.tracking = max(self.tracking, other.tracking)
        for kind in other.buttons:
            if kind not in self.buttons:
                self.buttons.append(kind)
        for src in other.sources:
            if src not in self.sources:
                self.sources.append(src)
        if not self.parcels:
            self.parcels = other.parcels
        elif other.parcels:
            self._merge_parcels(other.parcels)

    def _merge_parcels(self, parcels: list[Parcel]) -> None:
        """The same parcel read twice (page and JSON) becomes one: matched by number, or, when
        neither reading has a number, the one number-less parcel of each."""
        for parcel in parcels:
            mine = self._same_parcel(parcel)
            if mine is None:
                if parcel.tracking_number or parcel.events:
                    self.parcels.append(parcel)
                continue
            mine.events = _merged_readings(mine.events, parcel.events)
            for name in ("tracking_number", "origin_number", "service", "carrier_name", "domestic_number", "eta_end", "untracked_note"):
                if getattr(mine, name) is None:
                    setattr(mine, name, getattr(parcel, name))
            mine.number_blocked = (mine.number_blocked or parcel.number_blocked) and not mine.tracking_number

    def _same_parcel(self, parcel: Parcel) -> Parcel | None:
        if parcel.tracking_number:
            for mine in self.parcels:
                if parcel.tracking_number in (mine.tracking_number, mine.origin_number):
                    return mine
            return None
        unnumbered = [p for p in self.parcels if not p.tracking_number]
        return unnumbered[0] if len(unnumbered) == 1 else None


def sort_events(events: list[Event]) -> list[Event]:
    """Newest first; events of the same second in the order of progress (release after
    clearance); undated events after the dated ones, in their own order."""
    dated = [e for e in events if e.time is not None]
    undated = [e for e in events if e.time is None]
    dated.sort(key=lambda e: (e.time, milestones.PROGRESS.get(e.milestone or "", -1)), reverse=True)
    return dated + undated


def merge_events(ours: list[Event], theirs: list[Event]) -> list[Event]:
    """One list, newest first: the one merge of two sources of a parcel's events (two readings
    of a page, the page and a live lookup). An event seen again (same time, code and text) is
    kept once; across sources, two events of the same minute and milestone are one (ours is
    kept)."""
    merged = list(ours)
    exact = {e.key() for e in merged}
    moments = {(_minute(e.time), e.milestone) for e in merged if e.time is not None and e.milestone}
    for event in theirs:
        if event.key() in exact:
            continue
        if event.time is not None and event.milestone and (_minute(event.time), event.milestone) in moments:
            continue
        merged.append(event)
        exact.add(event.key())
    return sort_events(merged)


def _minute(when: datetime) -> str:
    return when.astimezone(dates.KST).strftime("%Y-%m-%dT%H:%M")


def _merged_readings(ours: list[Event], theirs: list[Event]) -> list[Event]:
    """Two readings of one page's parcel. When only one carries AliExpress's codes (the JSON),
    it is the complete record and the wording-only copy of it is dropped; else :func:`merge_events`."""
    coded_ours, coded_theirs = any(e.code for e in ours), any(e.code for e in theirs)
    if coded_ours != coded_theirs:
        return sort_events(list(ours if coded_ours else theirs))
    return merge_events(ours, theirs)


@dataclass
class Page:
    """What a parser read from one capture."""

    site: str = "generic"
    kind: str = "generic"
    orders: list[Order] = field(default_factory=list)
    loose_numbers: list[str] = field(default_factory=list)  # numbers outside any order
    warnings: list[str] = field(default_factory=list)  # what could not be read (partial result)


@dataclass(frozen=True)
class Action:
    """A button in the overlay: where to look next."""

    kind: str  # tracker | customs | courier | aliexpress | seller | dispute
    label_ko: str
    label_en: str
    url: str
    url_en: str = ""  # where the English page differs (17TRACK's /en)


@dataclass(frozen=True)
class Evidence:
    """One reason for a finding, as a sentence in each language; ``detail`` holds what only a
    curious user wants (event codes, carrier ids), shown behind "자세히"."""

    ko: str
    en: str
    detail: str = ""

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


# How urgent a finding is, least first: all is well, to know, to wait, to act.
SEVERITIES = ("ok", "info", "wait", "action")


@dataclass(frozen=True)
class Finding:
    """What one rule concluded about one order. Data only: no HTML, no logging."""

    cause: str
    severity: str  # ok | info | wait | action
    title_ko: str
    title_en: str
    explanation_ko: str
    explanation_en: str
    wait_until: date | None = None
    actions: tuple[Action, ...] = ()
    evidence: tuple[Evidence, ...] = ()
