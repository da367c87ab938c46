"""The shared page fixtures (tests/fixtures/, written by make_fixtures.py) in the real browser:
each order the page shows gets exactly one overlay, and the causes that do not depend on the
date agree with the fixture's expected answer. (The browser captures "now", not the fixture's
2026-09-30, so date-driven causes such as customs_in_progress may differ and are not compared.)
"""

import json
import re
from urllib.parse import urlsplit

import pytest

from . import fake_site
from .harness import card_ids
from .harness import hosts_per_order
from .harness import overlays
from .harness import remembered_once
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

DATE_INDEPENDENT = {"delivered", "cancelled", "not_paid"}
# An order not yet tracked is judged by its age, which depends on the date: later it may be
# taking long or past buyer protection, never anything the page itself would have to say.
BY_AGE = {"tracking_not_checked": {"tracking_not_checked", "taking_long", "refund_eligible"}}


def _reached(payload: dict, tables: dict, shown: list) -> bool:
    """Whether the companion remembers what only this payload says."""
    if payload["api"] == "mtop.aliexpress.trade.buyer.order.list":
        ids = set(re.findall(r'"pc_om_list_order_(\d+)"', json.dumps(payload["data"])))
        return ids <= {o["order_id"] for o in tables["orders"]}
    if payload["api"] == "mtop.ae.ld.querydetail":
        return any(e["code"] for e in tables["events"] if e["order_id"] in shown)
    return True


@pytest.mark.parametrize("name", fake_site.fixture_names() or [pytest.param("none", marks=pytest.mark.skip("no fixtures"))])
def test_fixture_page_overlays(paired, companion, name):
    capture = fake_site.fixture_capture(name)
    expected = json.loads((fake_site.FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    by_id = {o["order_id"]: o for o in expected["orders"] if o["order_id"]}
    url = capture["url"]
    url += ("&" if urlsplit(url).query else "?") + "fixture=" + name
    page = paired.open(url)
    if name.startswith("order_list/"):
        shown = [i for i in card_ids(page) if i]
    else:
        query = dict(p.split("=", 1) for p in urlsplit(capture["url"]).query.split("&") if "=" in p)
        shown = [query.get("orderId") or query.get("tradeOrderId")]
    assert shown and set(shown) <= set(by_id), (shown, sorted(by_id))
    wait_for_overlays(page, shown)
    page.wait_for_timeout(500)
    assert hosts_per_order(page) == {order_id: 1 for order_id in shown}
    # every payload the page loaded (by XHR) crossed from the MAIN world to the companion: it
    # remembers what only the JSON says (a list payload's orders, a tracking payload's event codes)
    stored = remembered_once(companion, lambda tables: all(_reached(p, tables, shown) for p in capture["payloads"]))
    for payload in capture["payloads"]:
        assert _reached(payload, stored, shown), f"what only the {payload['api']} answer says never reached the companion"
    found = overlays(page)
    for order_id in shown:
        cause = by_id[order_id]["diagnosis"]["cause"]
        if cause in DATE_INDEPENDENT:
            assert found[order_id]["cause"] == cause, order_id
        elif cause in BY_AGE:
            assert found[order_id]["cause"] in BY_AGE[cause], order_id
