"""The whole diagnosis, from a capture to the response: parse, read numbers, apply the rules.

The API and the CLI both call :func:`diagnose`; only the history store (when given) makes the
answer depend on earlier captures.

A capture seen before is not parsed again (companion/cache.py), and the history store is asked
about all the page's orders in one read.
"""

from __future__ import annotations

from companion import cache
from companion import lookups
from companion import parsing
from companion import report
from companion import rules
from companion.dates import now_kst
from companion.dates import KST
from companion.parsing.base import Capture


def diagnose(capture: Capture, lang: str = "ko", store=None, data_dir=None) -> dict:
    """A diagnosis for every order in the capture, as the JSON the API returns.

    ``data_dir`` holds the live-lookup settings: with it, the providers the user turned on are
    asked (3 s at most, all together) before the rules run; without it, nothing leaves the machine.
    """
    # "now" is the capture's time, read in Seoul: every "days since" counts Korean calendar days.
    capture.captured_at = (capture.captured_at or now_kst()).astimezone(KST)
    page = cache.PAGES.parse(capture, parsing.parse)
    first_seen = {} if store is None else store.recall_many(page.orders, capture.captured_at)
    live = None
    if data_dir is not None:
        live = lookups.lookup(page.orders, None, capture.captured_at, data_dir)
        page.warnings.extend(live.warnings_in(lang))
    results = []
    for order in page.orders:
        case = rules.build_case(order, capture.captured_at, first_seen=first_seen.get(id(order)), live=live)
        results.append((case, rules.evaluate(case)))
    answer = report.response(page, results, lang)
    if store is not None:
        store.record(answer, page, capture.captured_at)
    return answer

