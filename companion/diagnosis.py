"""The whole diagnosis, from a capture to the response: parse, read numbers, apply the rules.

The API and the CLI both call :func:`diagnose`; only the history store (when given) makes the
answer depend on earlier captures.

A capture seen before is not parsed again (``pages``, the app's parse cache: companion/cache.py),
and the history store is asked about all the page's orders in one read.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from companion import numbers
from companion import lookups
from companion import parsing
from companion import report
from companion import rules
from companion import understood
from companion.dates import now_kst
from companion.dates import KST
from companion.parsing.base import Capture
from companion.rules.case import steady_span
from companion.scrub import scrub_event


@dataclass(frozen=True)
class Outcome:
    """A diagnosis and what its replay needs to know (companion/replay.py)."""

    answer: dict
    recorded: object  # the store's Recorded, None without a store
    steady: tuple[datetime, datetime]  # capture times [from, until) giving this same answer


def diagnose(capture: Capture, lang: str = "ko", store=None, data_dir=None, service=None) -> dict:
    """A diagnosis for every order in the capture, as the JSON the API returns.

    ``data_dir`` holds the live-lookup settings: with it, the providers the user turned on are
    asked (3 s at most, all together) before the rules run, through ``service`` (a
    :class:`companion.lookups.Service`, needed then); without it, nothing leaves the machine.
    """
    return examine(capture, lang, store=store, data_dir=data_dir, service=service).answer


def examine(capture: Capture, lang: str = "ko", store=None, data_dir=None, pages=None, service=None,
            source: bytes | None = None) -> Outcome:
    """:func:`diagnose`, with what the replay policy needs; ``pages`` is a parse cache
    (companion/cache.py) or None, ``source`` a digest of the request the capture came in, which
    the parse cache uses as its key (``companion.cache.key``)."""
    # "now" is the capture's time, read in Seoul: every "days since" counts Korean calendar days.
    now = (capture.captured_at or now_kst()).astimezone(KST)
    # The page is read against "now" in the buyer's zone, where its wall-clock times are
    # (companion/dates.py): each comes out as an instant.
    capture.captured_at = now.astimezone(capture.zone())
    page = pages.parse(capture, parsing.parse, source) if pages is not None else parsing.parse(capture)
    capture.captured_at = now
    first_seen = {} if store is None else store.recall_many(page.orders, capture.captured_at)
    # The user's own delivery times, for "usually N–M days", only when an order is still waiting.
    waiting = any(order.status not in ("completed", "cancelled", "awaiting_payment") for order in page.orders)
    history = store.delivered_days() if store is not None and waiting else {}
    live = None
    if data_dir is not None:
        live = lookups.lookup(page.orders, None, capture.captured_at, data_dir, service=service)
        page.warnings.extend(live.warnings_in(lang))
    _scrubbed(page)
    verdict = understood.check(capture, page)
    unread = understood.unread_orders(verdict)
    unread_ids = {id(order) for order in unread}
    if verdict:
        page.warnings.append(f"{understood.CODE}: " + "; ".join(reason.en for reason in verdict.reasons))
    results = []
    for order in page.orders + unread:
        case = rules.build_case(order, capture.captured_at, first_seen=first_seen.get(id(order)), live=live, history=history)
        # What could not be read gets no confident cause, only "this page seems to have changed".
        findings = [understood.the_finding(verdict)] if id(order) in unread_ids or verdict.tracking_unread else rules.evaluate(case)
        results.append((case, findings))
    answer = report.response(page, results, lang, notices=[understood.notice(verdict, lang)] if verdict else [])
    recorded = None
    if store is not None:
        # A page not understood says nothing new about its orders: their history stays as it was.
        kept = copy.copy(page)
        kept.orders = [] if verdict.tracking_unread else page.orders
        recorded = store.record(answer, kept, capture.captured_at)
    times = [e.time for case, _ in results for p in case.parcels for e in p.parcel.events if e.time]
    return Outcome(answer, recorded, steady_span(capture.captured_at, times))


def _scrubbed(page) -> None:
    """No name or phone number from any event (the page's own or a live lookup's) reaches the
    answer or the history store; no number is shown or linked but as a number (the readers
    extract theirs already: this holds every reader, today's and tomorrow's, to it)."""
    for order in page.orders:
        for parcel in order.parcels:
            parcel.events = [scrub_event(event) for event in parcel.events]
            parcel.tracking_number = numbers.extract(parcel.tracking_number)
            parcel.origin_number = numbers.extract(parcel.origin_number)
            parcel.domestic_number = numbers.extract(parcel.domestic_number)
