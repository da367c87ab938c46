"""Korean couriers: CJ대한통운, 한진, 롯데, 우체국 — their status vocabularies (docs/facts/carriers.md §3) on
reconstructed answers (see README.md), not found, error pages, broken bodies, 5xx, timeouts,
rate limits; and no person's name or phone kept."""

from __future__ import annotations

import json
import re

import pytest
import requests
import responses
from responses import matchers

from companion.lookups import _courier
from companion.lookups import cjlogistics
from companion.lookups import epost
from companion.lookups import hanjin
from companion.lookups import http
from companion.lookups import lotte
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import Context
from companion.lookups.base import RateLimited
from companion.lookups.base import ServerError
from companion.lookups.base import Unreachable
from companion.lookups.base import scrub
from companion.models import Event
from companion.models import Parcel

from .conftest import NOW
from .conftest import payload
from .conftest import cj_next_gone
from .conftest import payload_json

CTX = Context(now=NOW)
PHONE = re.compile(r"01\d-\d{3,4}-\d{4}")
NAMES = ("김철수", "이영희", "박민수", "최우편", "홍*동")


def no_person_in(result):
    for event in result.events:
        for text in (event.text, event.title, event.location):
            assert not PHONE.search(text), text
            assert not any(name in text for name in NAMES), text


# --- CJ대한통운 ------------------------------------------------------------------------------------


def cj(net, detail, number="561000000505"):
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body=payload("cj_tracking_page.html"), content_type="text/html;charset=UTF-8",
            headers={"Set-Cookie": "JSESSIONID=A1B2C3D4E5F6; Path=/; Secure; HttpOnly"})
    net.add(responses.POST, cjlogistics.DETAIL_URL, json=detail,
            match=[matchers.urlencoded_params_matcher({"paramInvcNo": number, "_csrf": "8c7f3a2e-1d2b-4c5d-9e8f-0a1b2c3d4e5f"})])
    session = http.new_session()
    return cjlogistics.PROVIDER.fetch([number], session, http.TIMEOUT, CTX)[number]


def test_cj_gets_the_token_and_cookie_then_the_events(net):
    result = cj(net, payload_json("cj_detail_out_for_delivery.json"))
    assert len(net.calls) == 3  # the newer endpoint (404), the page, the detail
    assert "JSESSIONID=A1B2C3D4E5F6" in net.calls[2].request.headers.get("Cookie", "")
    assert [e.milestone for e in result.events] == ["out_for_delivery", "last_mile", "last_mile", "handover"]
    assert result.events[0].title == "배송출발" and result.events[0].location == "서울강남"
    assert result.events[0].time.isoformat() == "2026-09-30T07:31:02+09:00"
    assert result.status == "배송출발"
    assert all(e.source == "CJ대한통운" for e in result.events)
    no_person_in(result)


def test_cj_91_is_delivered(net):
    result = cj(net, payload_json("cj_detail_delivered.json"))
    assert result.events[0].milestone == "delivered" and result.events[0].title == "배송완료"
    no_person_in(result)


def test_cj_empty_lists_are_not_found(net):
    result = cj(net, payload_json("cj_detail_not_found.json"), "561000000598")
    assert result.not_found and result.events == []


def test_cj_unknown_codes_fall_back_on_the_words():
    result = cjlogistics.PROVIDER.parse(
        {"parcelResultMap": {"resultList": [{}]}, "parcelDetailResultMap": {"resultList": [
            {"crgSt": "99", "scanNm": "미배달", "crgNm": "고객 부재로 미배달", "dTime": "2026-09-30 15:00:00.0", "regBranNm": "서울강남"},
            {"crgSt": "", "scanNm": "", "crgNm": "", "dTime": ""},
            "junk",
        ]}},
        "561000000505",
    )
    assert [e.milestone for e in result.events] == ["delivery_failed"]


def test_cj_without_a_csrf_token_is_a_bad_response(net):
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body="<html><body>점검 중</body></html>", content_type="text/html")
    with pytest.raises(BadResponse):
        cjlogistics.PROVIDER.fetch(["561000000505"], http.new_session(), http.TIMEOUT, CTX)
    assert len(net.calls) == 2  # the newer endpoint (404), then the page without a token


def test_cj_html_instead_of_json_is_a_bad_response(net):
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body=payload("cj_tracking_page.html"), content_type="text/html")
    net.add(responses.POST, cjlogistics.DETAIL_URL, body="<!DOCTYPE html><html><body>오류가 발생했습니다</body></html>", content_type="text/html")
    with pytest.raises(BadResponse):
        cjlogistics.PROVIDER.fetch(["561000000505"], http.new_session(), http.TIMEOUT, CTX)


def test_cj_malformed_json_is_a_bad_response(net):
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body=payload("cj_tracking_page.html"), content_type="text/html")
    net.add(responses.POST, cjlogistics.DETAIL_URL, body='{"parcelResultMap": {', content_type="application/json")
    with pytest.raises(BadResponse):
        cjlogistics.PROVIDER.fetch(["561000000505"], http.new_session(), http.TIMEOUT, CTX)


# --- 한진택배 --------------------------------------------------------------------------------------


def hanjin_fetch(net, body, number="42012345678901", **kw):
    net.add(responses.POST, hanjin.URL, body=body, content_type=kw.pop("content_type", "text/html;charset=UTF-8"),
            match=[matchers.urlencoded_params_matcher({"wblnum": number, "mCode": "MN038", "schLang": "KR"})], **kw)
    return hanjin.PROVIDER.fetch([number], http.new_session(), http.TIMEOUT, CTX)[number]


def test_hanjin_reads_customs_and_delivery_sentences(net):
    result = hanjin_fetch(net, payload("hanjin_result.html"))
    assert [e.milestone for e in result.events] == [
        "out_for_delivery", "last_mile", "handover", "import_customs_done", "import_customs", "import_customs",
        "arrived_destination", "linehaul",
    ]
    assert result.events[0].time.isoformat() == "2026-09-30T07:45:00+09:00"
    assert result.events[-1].location == "중국(웨이하이)"
    no_person_in(result)


def test_hanjin_duty_waiting_is_a_customs_hold(net):
    result = hanjin_fetch(net, payload("hanjin_duty.html"))
    assert result.events[0].milestone == "customs_hold"
    assert "관부가세" in result.events[0].text


@pytest.mark.parametrize("name", ["hanjin_not_found.html", "hanjin_alert.html"])
def test_hanjin_not_registered_is_not_found(net, name):
    assert hanjin_fetch(net, payload(name)).not_found


def test_hanjin_403_is_blocked(net):
    net.add(responses.POST, hanjin.URL, status=403, body="<html><body>Forbidden</body></html>")
    with pytest.raises(Blocked):
        hanjin.PROVIDER.fetch(["42012345678901"], http.new_session(), http.TIMEOUT, CTX)


def test_hanjin_a_page_without_the_table_is_a_bad_response(net):
    with pytest.raises(BadResponse):
        hanjin_fetch(net, "<!DOCTYPE html><html><body><h1>시스템 점검 안내</h1></body></html>")


def test_hanjin_a_euc_kr_page_reads_too(net):
    body = payload("hanjin_result.html").replace('charset="UTF-8"', 'charset="euc-kr"').encode("cp949")
    result = hanjin_fetch(net, body, content_type="text/html")
    assert result.events[0].milestone == "out_for_delivery"


# --- 롯데택배 ------------------------------------------------------------------------------------


def lotte_fetch(net, body=None, number="240123456786", **kw):
    net.add(responses.GET, lotte.URL, json=body, match=[matchers.query_param_matcher({"invNo": number})], **kw)
    return lotte.PROVIDER.fetch([number], http.new_session(), http.TIMEOUT, CTX)[number]


def test_lotte_codes_map_to_milestones(net):
    result = lotte_fetch(net, payload_json("lotte_delivered.json"))
    assert [e.milestone for e in result.events] == ["delivered", "out_for_delivery", "last_mile", "last_mile", "handover", None]
    assert result.status == "배달완료"
    # "------": no time printed; the end of that day, but never after now
    assert result.events[0].time.isoformat() == "2026-09-30T10:00:00+09:00"
    assert result.events[1].time.isoformat() == "2026-09-30T07:31:00+09:00"
    assert all(e.source == "롯데택배" for e in result.events)
    no_person_in(result)


def test_lotte_no_events_is_not_found(net):
    assert lotte_fetch(net, payload_json("lotte_not_found.json")).not_found


def test_lotte_an_error_code_is_a_bad_response(net):
    with pytest.raises(BadResponse):
        lotte_fetch(net, {"errorCd": "-1", "errorNm": "SYSTEM ERROR", "tracking": []})


def test_lotte_checks_its_mod_7_digit():
    assert lotte.PROVIDER.valid("240123456786")
    assert not lotte.PROVIDER.valid("240123456787")
    assert not lotte.PROVIDER.valid("24012345678")


def test_lotte_5xx_twice_is_a_server_error(net):
    net.add(responses.GET, lotte.URL, status=500)
    net.add(responses.GET, lotte.URL, status=502)
    with pytest.raises(ServerError):
        lotte.PROVIDER.fetch(["240123456786"], http.new_session(), http.TIMEOUT, CTX)


# --- 우체국택배 ------------------------------------------------------------------------------------


def epost_fetch(net, body, number="6012345678901", **kw):
    net.add(responses.GET, epost.URL, body=body, content_type=kw.pop("content_type", "text/html;charset=UTF-8"),
            match=[matchers.query_param_matcher({"sid1": number})], **kw)
    return epost.PROVIDER.fetch([number], http.new_session(), http.TIMEOUT, CTX)[number]


def test_epost_statuses_map_to_milestones(net):
    result = epost_fetch(net, payload("epost_delivered.html"))
    assert [(e.title, e.milestone) for e in result.events] == [
        ("배달완료", "delivered"), ("배달준비", "out_for_delivery"), ("도착", "last_mile"), ("발송", "last_mile"), ("접수", "handover"),
    ]
    assert result.events[-1].location == "인천국제우편물류센터"
    assert result.events[0].time.isoformat() == "2026-09-30T13:05:00+09:00"
    no_person_in(result)


@pytest.mark.parametrize(("word", "milestone"), [("미배달", "delivery_failed"), ("접수취소", None), ("신청취소", None), ("인수완료", "handover"), ("집하완료", "handover"), ("운송장출력", None)])
def test_epost_other_statuses(word, milestone):
    assert epost.PROVIDER.event(NOW, word).milestone == milestone


def test_epost_not_found(net):
    assert epost_fetch(net, payload("epost_not_found.html")).not_found


def test_epost_a_page_without_the_table_is_a_bad_response(net):
    with pytest.raises(BadResponse):
        epost_fetch(net, "<html><body><p>잠시 후 다시 이용해 주세요.</p></body></html>")


def test_epost_a_captcha_page_is_blocked(net):
    with pytest.raises(Blocked):
        epost_fetch(net, "<html><body><p>자동입력 방지 문자를 입력해 주세요 (captcha)</p></body></html>")


# --- shared behaviour ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "method", "url"),
    [
        (lotte.PROVIDER, responses.GET, lotte.URL),
        (epost.PROVIDER, responses.GET, epost.URL),
        (hanjin.PROVIDER, responses.POST, hanjin.URL),
        (cjlogistics.PROVIDER, responses.POST, cjlogistics.NEXT_URL),
    ],
)
def test_timeouts_and_rate_limits(net, provider, method, url):
    number = {"kr.lotte": "240123456786", "kr.epost": "6012345678901", "kr.hanjin": "42012345678901"}.get(provider.id, "561000000505")
    net.add(method, url, body=requests.ReadTimeout())
    with pytest.raises(Unreachable):
        provider.fetch([number], http.new_session(), http.TIMEOUT, CTX)
    net.replace(method, url, status=429, headers={"Retry-After": "90"})
    with pytest.raises(RateLimited):
        provider.fetch([number], http.new_session(), http.TIMEOUT, CTX)


@pytest.mark.parametrize(
    ("parcel", "courier", "number"),
    [
        (Parcel(tracking_number="LP00432912345678", carrier_name="CJ대한통운", domestic_number="561000000505"), "kr.cjlogistics", "561000000505"),
        (Parcel(tracking_number="561000000505", carrier_name="CJ"), "kr.cjlogistics", "561000000505"),
        (Parcel(tracking_number="561000000505"), None, "561000000505"),  # CJ or Hanjin: ask neither
        (Parcel(tracking_number="42012345678901"), "kr.hanjin", "42012345678901"),
        (Parcel(tracking_number="6012345678901"), "kr.epost", "6012345678901"),
        (Parcel(tracking_number="LP00432912345678", carrier_name="롯데택배", domestic_number="240123456786"), "kr.lotte", "240123456786"),
        (Parcel(tracking_number="LP00432912345678", carrier_name="AliExpress Selection Standard"), None, None),
        (Parcel(tracking_number="LP00432912345678", carrier_name="CJ대한통운(CJ Logistics)", domestic_number="561000000505"), "kr.cjlogistics", "561000000505"),
        (Parcel(tracking_number="LP00432912345678", carrier_name="Hanjin", domestic_number="561000000505"), "kr.hanjin", "561000000505"),
    ],
)
def test_the_domestic_courier_is_known_or_nobody_is_asked(parcel, courier, number):
    assert _courier.domestic(parcel) == (courier, number)
    for provider in (cjlogistics.PROVIDER, hanjin.PROVIDER, lotte.PROVIDER, epost.PROVIDER):
        assert provider.numbers(parcel) == ([number] if provider.id == courier else [])


def test_a_delivered_parcel_is_not_asked_again():
    parcel = Parcel(tracking_number="6012345678901", events=[Event(time=NOW, text="배달완료", milestone="delivered")])
    assert epost.PROVIDER.numbers(parcel) == []


def test_a_malformed_lotte_number_is_not_sent():
    parcel = Parcel(tracking_number="LP00432912345678", carrier_name="롯데택배", domestic_number="240123456787")
    assert lotte.PROVIDER.numbers(parcel) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("고객님의 상품을 배송할 예정입니다.(14∼16 시) 배송담당: 김철수 010-1234-5678", "고객님의 상품을 배송할 예정입니다.(14∼16 시)"),
        ("배달완료 (수령인: 본인)", "배달완료"),
        ("배송완료 되었습니다.(담당사원:김철수 010-1234-5678)", "배송완료 되었습니다."),
        ("대전HUB에 도착하였습니다.", "대전HUB에 도착하였습니다."),
        ("배송출발 (배송기사 : 이영희 010-9876-5432)", "배송출발"),
    ],
)
def test_scrub_drops_names_and_phones(text, kept):
    assert scrub(text) == kept


def test_cj_calls_side_by_side_keep_their_own_token_and_cookie(net, data_dir, monkeypatch, service):
    """Three lanes share one session: each POST must carry the cookie its own token came with."""
    import itertools
    import threading
    import time

    from companion import lookups
    from companion.lookups import settings as lookup_settings
    from companion.models import Order

    counter = itertools.count(1)
    lock = threading.Lock()
    mismatches = []

    def page(request):
        with lock:
            n = next(counter)
        time.sleep(0.05)  # let the lanes overlap
        html = payload("cj_tracking_page.html").replace("8c7f3a2e-1d2b-4c5d-9e8f-0a1b2c3d4e5f", f"token-{n}")
        return 200, {"Content-Type": "text/html", "Set-Cookie": f"JSESSIONID=session-{n}; Path=/"}, html

    def detail(request):
        from urllib.parse import parse_qs

        form = parse_qs(request.body)
        token = form["_csrf"][0].removeprefix("token-")
        if f"JSESSIONID=session-{token}" not in request.headers.get("Cookie", ""):
            mismatches.append((token, request.headers.get("Cookie")))
            return 403, {}, "csrf"
        return 200, {"Content-Type": "application/json"}, json.dumps(payload_json("cj_detail_out_for_delivery.json"))

    real_csrf = cjlogistics.csrf

    def slow_csrf(text):  # the first lane dawdles between its GET and its POST …
        token = real_csrf(text)
        if token == "token-1":
            time.sleep(0.3)  # … while the other lanes' GETs put their cookies in the shared jar
        return token

    monkeypatch.setattr(cjlogistics, "csrf", slow_csrf)
    cj_next_gone(net)
    net.add_callback(responses.GET, cjlogistics.PAGE_URL, callback=page)
    net.add_callback(responses.POST, cjlogistics.DETAIL_URL, callback=detail)
    parcels = [Parcel(tracking_number=n, carrier_name="CJ대한통운") for n in ("561000000505", "561000000512", "561000000520")]
    settings = lookup_settings.Settings()
    lookup_settings.apply(settings, {"providers": {"kr.cjlogistics": {"enabled": True}}})
    warnings = lookups.lookup([Order(order_id="1", parcels=parcels)], settings, NOW, data_dir, service=service).warnings_in("en")
    assert warnings == [] and mismatches == []
    assert all(p.events and p.events[0].source == "CJ대한통운" for p in parcels)
