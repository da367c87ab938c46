"""With a live lookup turned on, the overlay shows the live cause and names its source.

The companion runs in this process here (our own Flask app on waitress, as `serve` runs it),
so that ``responses`` can stand in for UNI-PASS: no test reaches the internet.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import pytest
import responses

from companion.dates import KST
from companion.lookups import settings as lookup_settings
from companion.lookups import unipass
from tests.lookups.conftest import payload
from tests.server import InProcessCompanion

from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

TRACKING = "https://www.aliexpress.com/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId={}"
ORDER, NUMBER = "8215000000000404", "SWX900000000000000404"


def unipass_hold_now(number: str) -> str:
    """The recorded-style hold for our number, an hour ago: after the page's own events."""
    stamp = (datetime.now(KST) - timedelta(hours=1)).strftime("%Y%m%d%H%M%S")
    return payload("unipass_hold.xml").replace("LP00432912349999", number).replace("20260922101500", stamp)


def test_the_overlay_shows_a_live_customs_hold_and_its_source(browser, tmp_path):
    data_dir = tmp_path / "data"
    companion = InProcessCompanion(data_dir)
    lookup_settings.update(data_dir, {"providers": {"unipass": {"enabled": True, "key": "q260t225s025d125g080x030"}}})
    with responses.RequestsMock(assert_all_requests_are_fired=True) as fake:
        fake.add(responses.GET, unipass.URL, body=unipass_hold_now(NUMBER), content_type="application/xml;charset=UTF-8")
        companion.start()
        try:
            browser.pair(companion)
            page = browser.open(TRACKING.format(ORDER))
            found = wait_for_overlays(page, [ORDER])[ORDER]
        finally:
            companion.stop()
    # The page alone says "in customs, day 2"; UNI-PASS says clearance is on hold.
    assert found["cause"] == "customs_hold"
    assert found["severity"] == "action"
    assert "통관 보류" in found["text"]
    assert "UNI-PASS에서 직접 조회" in found["text"]  # the evidence names the live source
    assert any(link.startswith("https://unipass.customs.go.kr/") for link in found["links"])
    assert "q260t225s025d125g080x030" not in found["text"]
