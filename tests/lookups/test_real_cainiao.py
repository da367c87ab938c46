"""Cainiao ``detail.json`` in the shape of a real answer (a user's diagnostics export quoted
in issue 9: ``realMailNo`` with its label, ``mailType``/``mailTypeDesc``, ``timeZone`` per
event). The numbers are the export's placeholders; their check digits fail, as published
samples' often do."""

from __future__ import annotations

import json

import responses

from companion import dates
from companion.diagnosis import diagnose
from companion.lookups import cainiao
from companion.lookups import http
from companion.lookups import settings as lookup_settings
from companion.lookups.base import Context
from companion.parsing import parse
from companion.parsing.base import Capture

from .conftest import NOW
from .conftest import payload_json

BODY = "cainiao_economy_labelled.json"
ORDER = "8215000000000909"
NOW_ISO = "2026-08-24T10:00:00+09:00"


def _page_capture(payloads) -> Capture:
    return Capture(url=f"https://www.aliexpress.com/p/tracking/index.html?tradeOrderId={ORDER}", payloads=payloads,
                   captured_at=dates.parse_iso(NOW_ISO))


def _querydetail(number: str) -> dict:
    """The tracking page's own payload: the parcel's number and one early event."""
    line = {"mailNo": number, "logisticsCarrierName": "AliExpress Standard Shipping", "detailList": [
        {"timeText": "2026-07-02 01:16:31", "trackingSecondCode": "AE_GWMS_OUTBOUND", "trackingDetailDesc": "Package ready for shipping from warehouse"}]}
    return {"api": "mtop.ae.ld.querydetail", "data": {"module": {"trackingDetailLineList": [line]}}}


def test_the_live_answer_gives_the_labelled_real_mail_no_as_a_number(net):
    net.add(responses.GET, cainiao.URL, json=payload_json(BODY))
    result = cainiao.PROVIDER.fetch(["RC000000002EE"], http.new_session(), http.TIMEOUT, Context(now=NOW))["RC000000002EE"]
    assert result.domestic_number == "RC000000003EE"
    assert [e.code for e in result.events][:2] == ["CC_HO_OUT_SUCCESS", "LH_POST_COLLECTION"]
    assert result.events[0].time.isoformat() == "2026-08-23T15:18:40+09:00"  # epoch ms, in Seoul time


def test_time_str_is_china_time_whatever_the_event_time_zone_says():
    """In the real answers every ``timeStr`` is 8 hours ahead of its epoch ``time``, also for
    events marked "GMT+2" or "GMT+3": without the epoch, ``timeStr`` still gives the instant."""
    body = payload_json(BODY)
    with_epoch = [e.time for e in cainiao.parse(body, ["RC000000002EE"], Context(now=NOW))["RC000000002EE"].events]
    for detail in body["module"][0]["detailList"]:
        del detail["time"]
    without = [e.time for e in cainiao.parse(body, ["RC000000002EE"], Context(now=NOW))["RC000000002EE"].events]
    assert without == with_epoch and len(without) == 4


def test_the_cainiao_json_as_a_page_payload_gives_the_number_not_its_label():
    page = parse(_page_capture([{"api": None, "data": payload_json(BODY)}]))
    parcel = page.orders[0].parcels[0]
    assert (parcel.tracking_number, parcel.domestic_number) == ("RC000000002EE", "RC000000003EE")


def test_the_label_is_neither_shown_nor_linked(net, data_dir, service):
    """Issue 9: "번호: LATEST TRACKING NUMBER:\tRC…" was shown and put in the 17TRACK link."""
    net.add(responses.GET, cainiao.URL, json=payload_json(BODY))
    lookup_settings.update(data_dir, {"providers": {"cainiao": {"enabled": True}}})
    answer = diagnose(_page_capture([_querydetail("RC000000002EE")]), data_dir=data_dir, service=service)
    text = json.dumps(answer, ensure_ascii=False)
    assert "LATEST" not in text.upper() and "\\t" not in text
    parcel = answer["orders"][0]["parcels"][0]
    assert parcel["domestic"]["tracking_number"] == "RC000000003EE"


def test_a_number_the_carrier_has_events_for_is_not_called_mistyped(net, data_dir, service):
    """RC000000002EE fails the S10 check digit. Alone on the page, with no carrier event, it may
    be mistyped; once Cainiao answers with events for it, it is a real number."""
    alone = diagnose(_page_capture([_querydetail("RC000000002EE")]))["orders"][0]
    assert alone["diagnosis"]["cause"] == "carrier_system_error"
    assert alone["parcels"][0]["valid"] is False  # the overlay says "번호 형식이 맞지 않아요"
    net.add(responses.GET, cainiao.URL, json=payload_json(BODY))
    lookup_settings.update(data_dir, {"providers": {"cainiao": {"enabled": True}}})
    order = diagnose(_page_capture([_querydetail("RC000000002EE")]), data_dir=data_dir, service=service)["orders"][0]
    assert "carrier_system_error" not in [f["cause"] for f in order["findings"]], order["findings"]
    assert order["parcels"][0]["valid"] is True  # and it does not say so any more


def _still_in_china(body: dict) -> dict:
    """The same answer as it stood in July, before the destination's events."""
    body["module"][0]["detailList"] = body["module"][0]["detailList"][2:]
    return body


def test_cainiao_saying_economy_is_untracked_is_believed_ahead_of_guessing(net, data_dir, service):
    """``mailType``/``mailTypeDesc`` are the carrier's own statement: untracked_service, with
    that statement as the evidence; the same answer without them is not untracked."""
    lookup_settings.update(data_dir, {"providers": {"cainiao": {"enabled": True}}})
    net.add(responses.GET, cainiao.URL, json=_still_in_china(payload_json(BODY)))
    capture = _page_capture([_querydetail("RC000000002EE")])
    capture.captured_at = dates.parse_iso("2026-07-20T10:00:00+09:00")
    order = diagnose(capture, data_dir=data_dir, service=service)["orders"][0]
    assert order["diagnosis"]["cause"] == "untracked_service", order["findings"]
    assert any("택배사가 직접 밝혔어요: \"Economy — Economy shipping doesn't include tracking" in line
               for line in order["diagnosis"]["evidence"]), order["diagnosis"]["evidence"]
    assert "저가 배송(Economy)" in order["diagnosis"]["explanation"]

    silent = _still_in_china(payload_json(BODY))
    del silent["module"][0]["mailType"], silent["module"][0]["mailTypeDesc"]
    net.replace(responses.GET, cainiao.URL, json=silent)
    other_dir = data_dir.parent / "other"  # a fresh response cache
    other_dir.mkdir(mode=0o700)
    lookup_settings.update(other_dir, {"providers": {"cainiao": {"enabled": True}}})
    capture = _page_capture([_querydetail("RC000000002EE")])
    capture.captured_at = dates.parse_iso("2026-07-20T10:00:00+09:00")
    other = diagnose(capture, data_dir=other_dir, service=service)["orders"][0]
    assert "untracked_service" not in [f["cause"] for f in other["findings"]], other["findings"]


def test_the_reader_keeps_the_statement_and_ignores_a_tracked_service():
    body = payload_json(BODY)
    parcel = parse(_page_capture([{"api": None, "data": body}])).orders[0].parcels[0]
    assert parcel.untracked_note.startswith("Economy — Economy shipping doesn't include tracking after")
    body["module"][0].update(mailType="Standard", mailTypeDesc="Standard shipping is tracked to your door.")
    assert parse(_page_capture([{"api": None, "data": body}])).orders[0].parcels[0].untracked_note is None
