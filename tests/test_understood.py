"""When a page changes under us, say so (issue 9): a ``page_not_understood`` notice, and no
confident cause for what could not be read; never on a page we do read."""

from __future__ import annotations


import pytest

from companion import dates
from companion.api.diagnose import capture_from
from companion.diagnosis import diagnose
from companion.parsing.base import Capture
from companion.store import History
from companion.store import export_history
from tests.conftest import FIXTURES
from tests.parsing.test_fixtures import request_of

NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")
TRACKING_URL = "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000303"


def _line(details: list) -> dict:
    return {"api": "mtop.ae.ld.querydetail", "data": {"data": {"module": {"trackingDetailLineList": [
        {"mailNo": "SWX900000000000000303", "detailList": details}]}}}}


def _codes(answer) -> list[str]:
    return [n["code"] for n in answer.get("notices", [])]


@pytest.mark.parametrize("capture", sorted(FIXTURES.glob("*/*.capture.json")), ids=lambda p: p.name)
def test_no_page_we_read_is_said_to_have_changed(capture):
    answer = diagnose(capture_from(request_of(capture))[0])
    assert "notices" not in answer and "page_not_understood" not in [o["diagnosis"]["cause"] for o in answer["orders"]]


def test_a_list_whose_markup_changed_names_each_order_and_says_the_page_changed(tmp_path):
    html = ('<html><body><div class="orders-v99">'
            '<div class="card-x"><a href="https://www.aliexpress.com/p/order/detail.html?orderId=8215000000000101">보기</a></div>'
            '<div class="card-x"><a href="https://www.aliexpress.com/p/order/detail.html?orderId=8215000000000102">보기</a></div>'
            '</div></body></html>')
    store = History(tmp_path / "history.sqlite3")
    answer = diagnose(Capture(url="https://www.aliexpress.com/p/order/index.html", html=html, captured_at=NOW), store=store)
    assert _codes(answer) == ["page_not_understood"]
    assert answer["notices"][0]["title"] == "이 페이지 모양이 바뀐 것 같아요"
    assert "진단 파일 저장" in answer["notices"][0]["message"]
    assert [(o["order_id"], o["diagnosis"]["cause"], o["diagnosis"]["severity"]) for o in answer["orders"]] == [
        ("8215000000000101", "page_not_understood", "info"), ("8215000000000102", "page_not_understood", "info")]
    assert answer["orders"][0]["findings"] == [answer["orders"][0]["diagnosis"]]  # no confident cause beside it
    assert export_history(store)["tables"]["orders"] == []  # nothing new was learnt about them


def test_an_order_list_json_read_as_nothing_is_said():
    body = {"data": {"data": {"pc_om_list_order_1": {"fields": "renamed"}}}}
    answer = diagnose(Capture(url="https://www.aliexpress.com/p/order/index.html", payloads=[{"api": "mtop.aliexpress.trade.buyer.order.list", "data": body}], captured_at=NOW))
    assert answer["orders"] == []
    assert _codes(answer) == ["page_not_understood"]


def test_a_tracking_panel_whose_events_are_unread_gets_no_confident_cause():
    renamed = [{"nodeTime": "2026-09-27 10:00:00", "nodeDesc": "Import customs clearance started"},
               {"nodeTime": "2026-09-26 10:00:00", "nodeDesc": "Departed from origin"}]
    answer = diagnose(Capture(url=TRACKING_URL, payloads=[_line(renamed)], captured_at=NOW), lang="en")
    assert _codes(answer) == ["page_not_understood"]
    order = answer["orders"][0]
    assert order["diagnosis"]["cause"] == "page_not_understood"
    assert order["diagnosis"]["title"] == "This page seems to have changed"
    assert [f["cause"] for f in order["findings"]] == ["page_not_understood"]  # not "number_not_issued" or "update_delay"
    assert "a tracking panel is on the page but no event was read" in order["diagnosis"]["evidence"]


def test_a_tracking_panel_in_the_html_without_events_read_is_said():
    html = ('<html><body><div class="logistic-info-v9--wrap"><div class="step-x"><span>09-27 10:00</span><span>무언가</span></div>'
            '<div class="step-x"><span>09-26 10:00</span><span>무언가</span></div></div></body></html>')
    answer = diagnose(Capture(url=TRACKING_URL, html=html, captured_at=NOW))
    assert _codes(answer) == ["page_not_understood"]
    assert answer["orders"][0]["diagnosis"]["cause"] == "page_not_understood"


def test_events_mostly_in_unknown_wording_are_said():
    odd = [{"timeText": f"2026-09-2{d} 10:00:00", "trackingDetailDesc": f"Zorblax quantum relay {d}"} for d in (5, 6, 7)]
    answer = diagnose(Capture(url=TRACKING_URL, payloads=[_line(odd)], captured_at=NOW))
    assert _codes(answer) == ["page_not_understood"]
    assert "배송 기록 3개 중 3개가 아는 표현이 아니에요" in answer["notices"][0]["reasons"]


def test_one_odd_event_among_known_ones_is_not_a_changed_page():
    mixed = [{"timeText": "2026-09-27 10:00:00", "trackingSecondCode": "AE_CC_IM_START", "trackingDetailDesc": "Import customs clearance started"},
             {"timeText": "2026-09-26 10:00:00", "trackingSecondCode": "AE_LH_DEPART_SUCCESS", "trackingDetailDesc": "Departed"},
             {"timeText": "2026-09-25 10:00:00", "trackingDetailDesc": "Zorblax quantum relay"}]
    answer = diagnose(Capture(url=TRACKING_URL, payloads=[_line(mixed)], captured_at=NOW))
    assert "notices" not in answer and answer["orders"][0]["diagnosis"]["cause"] != "page_not_understood"
