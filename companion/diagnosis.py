"""The whole diagnosis, from a capture to the response: parse, read numbers, apply the rules.

The API and the CLI both call :func:`diagnose`; only the history store (when given) makes the
answer depend on earlier captures.
"""

from __future__ import annotations

from companion import parsing
from companion import report
from companion import rules
from companion.dates import now_kst
from companion.dates import KST
from companion.parsing.base import Capture
from companion.store import HISTORY_SOURCE

_TRACKING_SOURCES = {"tracking page", "tracking JSON", "Cainiao JSON", HISTORY_SOURCE}


def diagnose(capture: Capture, lang: str = "ko", store=None) -> dict:
    """A diagnosis for every order in the capture, as the JSON the API returns."""
    # "now" is the capture's time, read in Seoul: every "days since" counts Korean calendar days.
    capture.captured_at = (capture.captured_at or now_kst()).astimezone(KST)
    page = parsing.parse(capture)
    results = []
    for order in page.orders:
        first_seen = None
        if store is not None:
            first_seen = store.recall(order, capture.captured_at)
        tracking_seen = bool(_TRACKING_SOURCES.intersection(order.sources))
        case = rules.build_case(order, capture.captured_at, tracking_seen=tracking_seen, first_seen=first_seen)
        results.append((case, rules.evaluate(case)))
    answer = report.response(page, results, lang)
    if store is not None:
        store.record(answer, page, capture.captured_at)
    return answer
