"""The whole diagnosis, from a capture to the response: parse, read numbers, apply the rules.

The API and the CLI both call :func:`diagnose`; only the history store (when given) makes the
answer depend on earlier captures.

The fast path (``fast=True``, the default: :data:`companion.parsing.FAST`) gives the same answer
for less: an order list is read from lxml's tree, a capture seen before is not parsed again
(companion/cache.py), and the history store is asked about all the page's orders in one read
instead of one connection per order. ``fast=False`` is the plain reading, kept for the tests
that hold the two to the same JSON (tests/test_fast_path.py).
"""

from __future__ import annotations

import copy

from companion import cache
from companion import numbers
from companion import lookups
from companion import parsing
from companion import report
from companion import rules
from companion import understood
from companion.dates import now_kst
from companion.dates import KST
from companion.parsing.base import Capture
from companion.scrub import scrub_event
from companion.store import HISTORY_SOURCE
from companion.store import TRACKING_SOURCES

_TRACKING_SOURCES = TRACKING_SOURCES | {HISTORY_SOURCE}  # or known from an earlier tracking page


def diagnose(capture: Capture, lang: str = "ko", store=None, fast: bool | None = None, data_dir=None) -> dict:
    """A diagnosis for every order in the capture, as the JSON the API returns.

    ``data_dir`` holds the live-lookup settings: with it, the providers the user turned on are
    asked (3 s at most, all together) before the rules run; without it, nothing leaves the machine.
    """
    fast = parsing.FAST if fast is None else fast
    # "now" is the capture's time, read in Seoul: every "days since" counts Korean calendar days.
    now = (capture.captured_at or now_kst()).astimezone(KST)
    # The page is read against "now" in the buyer's zone, where its wall-clock times are
    # (companion/dates.py): each comes out as an instant.
    capture.captured_at = now.astimezone(capture.zone())
    if fast:
        page = cache.PAGES.parse(capture, parsing.parse)
    else:
        page = parsing.parse(capture, fast=False)
    capture.captured_at = now
    if store is None:
        first_seen = {}
    elif fast:
        first_seen = store.recall_many(page.orders, capture.captured_at)
    else:
        first_seen = {id(order): store.recall(order, capture.captured_at) for order in page.orders}
    live = None
    if data_dir is not None:
        live = lookups.lookup(page.orders, None, capture.captured_at, data_dir)
        page.warnings.extend(live.warnings_in(lang))
    _scrubbed(page)
    verdict = understood.check(capture, page)
    unread = understood.unread_orders(verdict)
    unread_ids = {id(order) for order in unread}
    if verdict:
        page.warnings.append(f"{understood.CODE}: " + "; ".join(verdict.reasons))
    results = []
    for order in page.orders + unread:
        tracking_seen = bool(_TRACKING_SOURCES.intersection(order.sources))
        case = rules.build_case(
            order, capture.captured_at, tracking_seen=tracking_seen, first_seen=first_seen.get(id(order)), live=live
        )
        # What could not be read gets no confident cause, only "this page seems to have changed".
        findings = [understood.the_finding(verdict)] if id(order) in unread_ids or verdict.tracking_unread else rules.evaluate(case)
        results.append((case, findings))
    answer = report.response(page, results, lang, notices=[understood.notice(verdict, lang)] if verdict else [])
    if store is not None:
        # A page not understood says nothing new about its orders: their history stays as it was.
        kept = copy.copy(page)
        kept.orders = [] if verdict.tracking_unread else page.orders
        store.record(answer, kept, capture.captured_at)
    return answer


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
