"""The courier and customs readers on real answers (tests/lookups/fixtures/real, see its
README): what a correct reading is comes from the captures' own SOURCES notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from companion import dates
from companion.lookups import cjlogistics
from companion.lookups import epost
from companion.lookups import hanjin
from companion.lookups import http
from companion.lookups import lotte
from companion.lookups import unipass
from companion.lookups.base import Context
from companion.lookups.base import ServerError

from .conftest import NOW
from .conftest import payload_json

REAL = Path(__file__).with_name("fixtures") / "real"
CTX = Context(now=NOW)
HTML = "text/html;charset=UTF-8"
# What the publishers masked the people in these answers to, and the labels they stood behind.
PEOPLE = ("테스트", "테*트", "테*터", "배송담당", "담당사원", "배송사원", "수령인", "집배원", "064.710.5200", "TEL")


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def no_person_in(result) -> None:
    for event in result.events:
        for text in (event.text, event.title, event.location):
            assert not any(p in text for p in PEOPLE), text


def fetch(provider, number):
    return provider.fetch([number], http.new_session(), http.TIMEOUT, CTX)[number]


# --- CJ대한통운 --------------------------------------------------------------------------------


def test_cj_reads_the_newer_endpoint_first():
    """The newer shape (unverified: third-party code only), words and codes of the real answer."""
    with responses.RequestsMock() as net:
        net.add(responses.POST, cjlogistics.NEXT_URL, json=payload_json("cj_next_delivered.json"),
                match=[matchers.urlencoded_params_matcher({"wblNo": "561000000505"})])
        result = fetch(cjlogistics.PROVIDER, "561000000505")
        assert len(net.calls) == 1
    assert [e.milestone for e in result.events] == ["delivered", "out_for_delivery", "last_mile", "last_mile", "handover"]
    assert result.events[0].time.isoformat() == "2026-09-29T17:17:04+09:00"
    assert result.events[1].text == "고객님의 상품을 배송할 예정입니다.(16~18시)"
    assert result.events[0].location == "서울강남" and result.status == "배송완료"
    text = json.dumps(result.to_json(), ensure_ascii=False)
    assert "홍*동" not in text and "010-0000-0000" not in text and "인수자" not in text


def test_cj_newer_endpoint_with_no_events_is_not_found_without_asking_the_older_one():
    with responses.RequestsMock() as net:
        net.add(responses.POST, cjlogistics.NEXT_URL, json={"resultCode": 200, "data": {"svcOutList": []}})
        result = fetch(cjlogistics.PROVIDER, "561000000598")
        assert len(net.calls) == 1
    assert result.not_found and result.events == []


@pytest.mark.parametrize("gone", [
    {"status": 404, "body": "<!DOCTYPE html><html><body>404</body></html>", "content_type": "text/html"},
    {"json": {"resultCode": "500", "resultMsg": "시스템 점검 중입니다."}},
    {"json": {"parcelResultMap": {}}},  # not the newer shape at all
])
def test_cj_falls_back_on_tracking_detail_and_reads_the_real_answer(gone):
    with responses.RequestsMock() as net:
        net.add(responses.POST, cjlogistics.NEXT_URL, **gone)
        net.add(responses.GET, cjlogistics.PAGE_URL, content_type=HTML,
                body='<html><head><meta name="_csrf" content="t0k3n"></head><body></body></html>')
        net.add(responses.POST, cjlogistics.DETAIL_URL, body=real("cj_tracking_detail_delivered_2024.json"), content_type="application/json")
        result = fetch(cjlogistics.PROVIDER, "561000000505")
    assert len(result.events) == 7
    assert [e.milestone for e in result.events] == [
        "delivered", "out_for_delivery", "last_mile", "last_mile", "last_mile", "last_mile", "handover"]
    assert result.events[0].time.isoformat() == "2024-04-11T17:17:04+09:00"
    assert result.events[4].title == "SM입고"
    no_person_in(result)


def test_cj_both_ways_one_vocabulary():
    """The same event read from either shape gets the same milestone."""
    older = cjlogistics.PROVIDER.parse(json.loads(real("cj_tracking_detail_delivered_2024.json")), "123")
    newer = cjlogistics.PROVIDER.parse_next({"resultCode": 200, "data": {"svcOutList": [
        {"crgStDcd": d["crgSt"], "crgStDnm": d["scanNm"], "crgStDcdVal": d["crgNm"], "branNm": d["regBranNm"],
         "workDt": d["dTime"][:10], "workHms": d["dTime"][11:19]}
        for d in json.loads(real("cj_tracking_detail_delivered_2024.json"))["parcelDetailResultMap"]["resultList"]]}}, "123")
    assert [(e.time, e.milestone, e.text) for e in older.events] == [(e.time, e.milestone, e.text) for e in newer.events]


# --- 한진택배 ---------------------------------------------------------------------------------


def test_hanjin_real_page_eight_events_delivered_titles_in_whole_words():
    with responses.RequestsMock() as net:
        net.add(responses.POST, hanjin.URL, body=real("hanjin_waybill_delivered_2024.html"), content_type=HTML)
        result = fetch(hanjin.PROVIDER, "420123456789")
    assert len(result.events) == 8
    assert result.events[0].milestone == "delivered" and result.events[0].time.isoformat() == "2024-04-15T14:10:00+09:00"
    titles = [e.title for e in result.events]
    assert "울산 터미널에 도착하였습니다." in titles and "배송출발하였습니다." in titles
    assert "칠곡HUB터미널에서 울산터미널로 이동중입니다." in titles
    assert not any(" 에 " in t or " 하였습니다" in t or " 입니다" in t for t in titles), titles
    assert result.events[-1].milestone == "handover"
    no_person_in(result)


# --- 우체국 -----------------------------------------------------------------------------------


def test_epost_real_page_six_events_without_tel_or_recipient():
    with responses.RequestsMock() as net:
        net.add(responses.GET, epost.URL, body=real("epost_trace_delivered_2024.html"), content_type=HTML)
        result = fetch(epost.PROVIDER, "6012345678901")
    assert len(result.events) == 6
    assert result.events[0].milestone == "delivered" and result.events[0].time.isoformat() == "2024-03-18T12:12:00+09:00"
    assert [e.location for e in result.events[:2]] == ["제주우편집중국", "제주우편집중국"]
    assert result.events[0].text == "배달완료 (배달)"
    assert result.events[-1].location == "국제우편물류센터" and result.events[-1].milestone == "handover"
    no_person_in(result)


# --- 롯데택배 ---------------------------------------------------------------------------------


def test_lotte_reads_the_link_view_page_when_the_json_endpoint_fails():
    with responses.RequestsMock() as net:
        net.add(responses.GET, lotte.URL, status=503)
        net.add(responses.GET, lotte.URL, status=503)
        net.add(responses.GET, lotte.PAGE_URL, body=real("lotte_tracking_delivered_2024.html"), content_type=HTML,
                match=[matchers.query_param_matcher({"InvNo": "240123456786"})])
        result = fetch(lotte.PROVIDER, "240123456786")
    assert len(result.events) == 7
    assert result.events[0].milestone == "delivered" and result.events[0].time.isoformat() == "2024-04-06T14:44:00+09:00"
    first = result.events[-1]
    assert first.title == "인수/상품접수" and first.milestone == "handover"
    # "--:--": not midnight; no later than the next event the page lists (광주TML, 22:58 that day)
    assert first.time.date().isoformat() == "2024-04-03" and (first.time.hour, first.time.minute) != (0, 0)
    assert first.time <= result.events[-2].time
    no_person_in(result)


def test_lotte_when_both_fail_the_json_endpoints_error_is_told():
    with responses.RequestsMock() as net:
        net.add(responses.GET, lotte.URL, status=503)
        net.add(responses.GET, lotte.URL, status=503)
        net.add(responses.GET, lotte.PAGE_URL, body="<html><body>점검 중입니다</body></html>", content_type=HTML)
        with pytest.raises(ServerError):
            fetch(lotte.PROVIDER, "240123456786")


def test_lotte_json_unknown_time_is_not_midnight():
    result = lotte.PROVIDER.parse({"errorCd": "0", "tracking": [
        {"GODS_STAT_CD": "10", "GODS_STAT_NM": "집하", "SCAN_YMD": "20240403", "SCAN_TME": "------", "BRNSHP_NM": "광주지점"}]},
        "240123456786", dates.parse_iso("2024-04-10T10:00:00+09:00"))
    assert result.events[0].time.isoformat() != "2024-04-03T00:00:00+09:00"


# --- UNI-PASS ---------------------------------------------------------------------------------


def test_unipass_guide_sample_is_customs_done_and_released():
    result = unipass.result_from(unipass.parse(real("unipass_api001_guide_air_2018.xml")), "605118340404")
    assert result.customs_state == "수입신고수리" and result.status == "반출완료"
    assert result.events[0].milestone == "handover" and result.events[0].text == "반출신고 (수입신고 수리후 반출)"


def test_unipass_sea_sample_bonded_transport_is_not_the_release():
    result = unipass.result_from(unipass.parse(real("unipass_api001_sea_2021.xml")), "FESS2110007")
    assert len(result.events) == 15
    assert result.events[0].milestone == "handover" and result.events[0].time.date().isoformat() == "2021-10-19"
    bonded = next(e for e in result.events if e.text == "반출신고 (보세운송 반출)")
    assert bonded.milestone == "import_customs"
