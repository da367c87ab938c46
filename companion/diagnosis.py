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

from dataclasses import dataclass
from datetime import datetime

from companion import lookups
from companion import parsing
from companion import report
from companion import rules
from companion.dates import now_kst
from companion.dates import KST
from companion.parsing.base import Capture
from companion.rules.case import steady_span
from companion.store import HISTORY_SOURCE
from companion.store import TRACKING_SOURCES

_TRACKING_SOURCES = TRACKING_SOURCES | {HISTORY_SOURCE}  # or known from an earlier tracking page


@dataclass(frozen=True)
class Outcome:
    """A diagnosis and what its replay needs to know (companion/replay.py)."""

    answer: dict
    recorded: object  # the store's Recorded, None without a store
    steady: tuple[datetime, datetime]  # capture times [from, until) giving this same answer


def diagnose(capture: Capture, lang: str = "ko", store=None, fast: bool | None = None, data_dir=None) -> dict:
    """A diagnosis for every order in the capture, as the JSON the API returns.

    ``data_dir`` holds the live-lookup settings: with it, the providers the user turned on are
    asked (3 s at most, all together) before the rules run; without it, nothing leaves the machine.
    """
    return examine(capture, lang, store=store, fast=fast, data_dir=data_dir).answer


def examine(capture: Capture, lang: str = "ko", store=None, fast: bool | None = None, data_dir=None, pages=None) -> Outcome:
    """:func:`diagnose`, with what the replay policy needs; ``pages`` is a parse cache
    (companion/cache.py) or None."""
    fast = parsing.FAST if fast is None else fast
    # "now" is the capture's time, read in Seoul: every "days since" counts Korean calendar days.
    capture.captured_at = (capture.captured_at or now_kst()).astimezone(KST)
    if fast and pages is not None:
        page = pages.parse(capture, parsing.parse)
    elif fast:
        page = parsing.parse(capture)
    else:
        page = parsing.parse(capture, fast=False)
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
    results = []
    for order in page.orders:
        tracking_seen = bool(_TRACKING_SOURCES.intersection(order.sources))
        case = rules.build_case(
            order, capture.captured_at, tracking_seen=tracking_seen, first_seen=first_seen.get(id(order)), live=live
        )
        results.append((case, rules.evaluate(case)))
    answer = report.response(page, results, lang)
    recorded = store.record(answer, page, capture.captured_at) if store is not None else None
    times = [e.time for case, _ in results for p in case.parcels for e in p.parcel.events if e.time]
    return Outcome(answer, recorded, steady_span(capture.captured_at, times))

