"""Overlays on the order detail page and the fuller panel on the tracking page."""

import re

import pytest

from .harness import host_count
from .harness import remembered_once
from .harness import overlays
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

DETAIL = "https://www.aliexpress.com/p/order/detail.html?orderId={}"
TRACKING = "https://www.aliexpress.com/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId={}"


@pytest.mark.parametrize(
    ("order_id", "cause"),
    [("8215000000000404", "customs_in_progress"), ("8215000000000707", "delivered"), ("8215000000000808", "not_shipped")],
)
def test_detail_page_overlay_after_the_status_block(paired, order_id, cause):
    page = paired.open(DETAIL.format(order_id))
    found = wait_for_overlays(page, [order_id])
    assert found[order_id]["cause"] == cause
    assert host_count(page) == 1
    assert page.evaluate(
        "document.querySelector('.order-status').nextElementSibling.matches('[data-parcel-doctor-order]')"
    )


@pytest.mark.cross_browser
def test_tracking_page_panel_for_customs(paired, companion):
    order_id = "8215000000000404"
    page = paired.open(TRACKING.format(order_id))
    found = wait_for_overlays(page, [order_id])[order_id]
    assert found["cause"] == "customs_in_progress"
    assert found["severity"] == "wait"
    text = found["text"]
    assert "통관 진행 중" in text
    # wait advice from diagnosis.wait: "통관 2일째 — 11월 30일까지 기다려 보세요 (4일 남음)"
    assert re.search(r"통관 \d+일째 — \d+월 \d+일까지 기다려 보세요 \(\d+일 남음\)", text), text
    assert "SWX900000000000000404" in text  # parcels section
    assert "근거" in text  # evidence section
    assert any(link.startswith("https://unipass.customs.go.kr/") for link in found["links"])
    assert all(link.startswith("https://") for link in found["links"])
    # the panel sits before the tracking panel, not inside AliExpress's own nodes
    assert page.evaluate(
        "document.querySelector('[data-parcel-doctor-order]').nextElementSibling.className.startsWith('logistic-info-v2--wrap')"
    )
    # the JSONP querydetail body reached the companion through the MAIN-world hook: only the
    # JSON carries AliExpress's event codes (the page's DOM prints none)
    def codes(tables) -> set:
        return {e["code"] for e in tables["events"] if e["order_id"] == order_id}

    found_codes = codes(remembered_once(companion, lambda tables: "AE_CC_IM_START" in codes(tables)))
    assert "AE_CC_IM_START" in found_codes, found_codes


def test_tracking_page_panel_for_a_korean_courier(paired):
    order_id = "8215000000000505"
    page = paired.open(TRACKING.format(order_id))
    found = wait_for_overlays(page, [order_id])[order_id]
    assert found["cause"] == "handed_over"
    assert "561000000505" in found["text"]
    assert "CJ대한통운" in found["text"]
    assert host_count(page) == 1
    # a later re-render of the page's panel keeps one panel, not two
    page.evaluate("document.querySelector('[class*=logistic-info-v2--wrap]').replaceWith(document.querySelector('[class*=logistic-info-v2--wrap]').cloneNode(true))")
    page.wait_for_timeout(1000)
    assert host_count(page) == 1
    assert overlays(page)[order_id]["cause"] == "handed_over"
