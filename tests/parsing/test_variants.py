"""Pages this project never saved, written from the same facts: the parsers read structure,
not one page's exact markup. Also broken pages and wrong JSON shapes: a partial answer, never
a crash."""

from __future__ import annotations

import pytest

from companion import dates
from companion.diagnosis import diagnose
from companion.parsing import parse
from companion.parsing.base import Capture

NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")
LIST = "https://www.aliexpress.com/p/order/index.html"
TRACK = "https://www.aliexpress.com/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId=8215000000000777"


def run(url: str, html: str | None = None, payloads=None) -> dict:
    return diagnose(Capture(url=url, html=html, payloads=payloads or [], captured_at=NOW))


def test_a_list_card_with_other_labels_and_only_a_tracking_link():
    html = """
    <div class="order-wrap"><div class="order-content">
      <div class="order-item"><div class="order-item-header">
        <div class="order-item-header-status"><span class="order-item-header-status-text">배송중</span></div>
        <div class="order-item-header-right"><div class="order-item-header-right-info">
          <div>주문번호:: 8215000000000777 복사</div><div>주문일자:: 2026년 9월 20일</div></div></div></div>
        <div class="order-item-content"><div class="order-item-content-opt"><div class="order-item-btns-wrap"><div class="order-item-btns">
          <a class="order-item-btn comet-btn" href="//www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000777">배송 추적</a>
        </div></div></div></div></div>
      <div class="recommend"><a href="//www.aliexpress.com/item/1005000000000001.html">더보기</a></div>
    </div></div>"""
    (order,) = run(LIST, html)["orders"]
    assert (order["order_id"], order["status"], order["ordered_on"]) == ("8215000000000777", "awaiting_delivery", "2026-09-20")
    assert order["diagnosis"]["cause"] == "tracking_not_checked"


def test_a_tracking_page_of_a_later_build():
    """Another version number and other hashes; the number only as "Tracking number:" text."""
    html = """
    <div class="logistic-info-v3--wrap--Zz9">
      <div class="logistic-info-v3--carrierValue--Q1w2">AliExpress Selection Standard</div>
      <div class="logistic-info-v3--mailNo--Aa1">Tracking number: SWX900000000000000777 Copy</div>
      <div class="logistic-info-v3--track--Bb2">
        <div class="logistic-info-v3--node--Cc3"><div class="logistic-info-v3--nodeTitle--x">Customs clearance started</div>
          <div class="logistic-info-v3--nodeDesc--y">Import customs clearance started</div><div class="logistic-info-v3--nodeTime--z">Sep 28, 2026 11:20</div></div>
        <div class="logistic-info-v3--node--Cc3"><div class="logistic-info-v3--nodeTitle--x">In transit</div>
          <div class="logistic-info-v3--nodeDesc--y">Your package arrived at local airport</div><div class="logistic-info-v3--nodeTime--z">Sep 27, 2026 23:05</div></div>
      </div></div>"""
    (order,) = run(TRACK, html)["orders"]
    assert order["order_id"] == "8215000000000777"
    assert order["parcels"][0]["tracking_number"] == "SWX900000000000000777"
    assert order["diagnosis"]["cause"] == "customs_in_progress"
    assert order["diagnosis"]["wait"]["until"] == "2026-10-03"


def test_the_old_tracking_page():
    html = """<div class="tracking-module"><span class="title-eclp">China Post Registered Air Mail</span>
      <ul class="ship-steps"><li><p class="time">2026-09-12 10:00</p><p class="text">Departed from departure country/region</p></li>
      <li><p class="time">2026-09-10 08:00</p><p class="text">Received by logistics company</p></li></ul></div>
      <p>Tracking number: RR123456785CN</p>"""
    (order,) = run("https://track.aliexpress.com/logisticsdetail.htm?tradeId=8215000000000777", html)["orders"]
    assert order["parcels"][0]["tracking_number"] == "RR123456785CN"
    assert order["diagnosis"]["cause"] == "stalled"  # 18 days without a scan


@pytest.mark.parametrize(
    "html",
    [
        "<div class='order-item'><a href='/p/order/detail.html?orderId=8215000000000777'>" + "<div>" * 5000,
        "<html><body><div class='order-item'>\x00\udcff broken \ufffd</div>",
        "<div class='order-item'><span class='order-item-header-status-text'>" + "가" * 200000 + "</span></div>",
        "<<<>>><div class=>>",
        "<script>window.__INIT_DATA_CALLBACK__({\"data\": {\"data\": {\"pc_om_list_order_1\": 5}}})</script>",
        "<script>window.__INIT_DATA_CALLBACK__({broken json</script><div class='order-item'></div>",
    ],
    ids=["deep", "bad-characters", "huge-text", "tag-soup", "json-wrong-shape", "json-broken"],
)
def test_broken_list_pages_give_a_partial_answer(html):
    answer = run(LIST, html)
    assert answer["page"]["kind"] == "order_list"
    for order in answer["orders"]:
        assert order["diagnosis"]["cause"]


@pytest.mark.parametrize(
    "payload",
    [
        {"api": "mtop.ae.ld.querydetail", "data": "a string"},
        {"api": "mtop.ae.ld.querydetail", "data": {"data": {"module": {"trackingDetailLineList": "x"}}}},
        {"api": "mtop.ae.ld.querydetail", "data": {"data": {"module": {"trackingDetailLineList": [{"mailNo": 5, "detailList": [1, None, {"time": "x"}]}]}}}},
        {"api": "mtop.aliexpress.trade.buyer.order.list", "data": {"data": {"data": {"pc_om_list_order_1": {"fields": {"orderId": ["x"]}}}}}},
        {"api": "mtop.aliexpress.trade.buyer.order.detail", "data": {"data": {"data": {"detail_order_status_block_1": {"fields": None}}}}},
        {"api": "something.else", "data": {}},
        {"no api": True},
    ],
)
def test_wrong_payload_shapes_are_skipped_not_fatal(payload):
    answer = run(TRACK, "<p>nothing</p>", [payload])
    assert answer["page"]["kind"] == "tracking"


def test_a_page_without_url_is_recognised_by_its_structure():
    html = '<div class="order-item"><span class="order-item-header-status-text">Completed</span><a href="/p/order/detail.html?orderId=8215000000000777">Details</a></div>'
    page = parse(Capture(url="", html=html, captured_at=NOW))
    assert (page.kind, page.orders[0].status) == ("order_list", "completed")


def test_a_page_that_matches_nothing_gives_an_empty_valid_answer():
    answer = run("https://example.com/", "<p>Hello</p>")
    assert answer == {"page": {"site": "generic", "kind": "generic"}, "orders": [], "tracking_numbers": [], "warnings": []}


def test_cainiao_wall_clock_time_is_read_in_its_own_time_zone():
    """Without an epoch, ``timeStr`` is China time (GMT+8): 10:00 there is 11:00 in Seoul."""
    body = {"module": [{"mailNo": "LP00123456789012", "detailList": [
        {"timeStr": "2026-09-28 10:00:00", "timeZone": "GMT+8", "actionCode": "LH_DEPART", "standerdDesc": "Linehaul Departure"}]}]}
    page = parse(Capture(url=TRACK, html=None, payloads=[{"api": "cainiao.global.detail", "data": body}], captured_at=NOW))
    (event,) = page.orders[0].parcels[0].events
    assert event.time.isoformat() == "2026-09-28T11:00:00+09:00"
