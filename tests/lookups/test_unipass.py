"""UNI-PASS API001: answers shaped like the real ones (node-unipass fixtures, docs/facts/carriers.md §5),
events mapped to milestones, the year around New Year, ``[N00]``, key errors, bad XML."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
import responses
from responses import matchers

from companion import dates
from companion.lookups import http
from companion.lookups import unipass as module
from companion.lookups.base import BadResponse
from companion.lookups.base import Context
from companion.lookups.base import KeyRejected
from companion.lookups.base import MissingKey
from companion.lookups.base import RateLimited
from companion.lookups.base import ServerError
from companion.lookups.base import Unreachable
from companion.lookups.unipass import PROVIDER as unipass
from companion.lookups.unipass import URL
from companion.models import Event
from companion.models import Parcel

from .conftest import NOW
from .conftest import payload

KEY = "q260t225s025d125g080x030"
CTX = Context(now=NOW, key=KEY)
XML = "application/xml;charset=UTF-8"


def fetch(numbers, ctx=CTX):
    return unipass.fetch(numbers, http.new_session(), http.TIMEOUT, ctx)


def query(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_a_released_parcel_reads_as_cleared_then_handed_over(net):
    net.add(responses.GET, URL, body=payload("unipass_released.xml"), content_type=XML)
    result = fetch(["LP00432912345678"])["LP00432912345678"]
    assert query(net.calls[0]) == {"crkyCn": KEY, "hblNo": "LP00432912345678", "blYy": "2026"}
    assert not result.not_found
    assert result.customs_state == "통관목록심사완료" and result.status == "반출완료"
    # 반출신고 and 통관목록심사완료 share one second: the release is the newer of the two
    assert [e.title for e in result.events[:3]] == ["반출신고", "통관목록심사완료", "반입신고"]
    assert [e.milestone for e in result.events[:4]] == ["handover", "import_customs_done", "import_customs", "import_customs"]
    assert result.events[0].text == "반출신고 (목록통관특송물품 반출)"
    assert result.events[0].time.isoformat() == "2026-09-29T16:25:12+09:00"
    assert result.events[0].location == "씨제이대한통운(주)인천공항특송센터"
    assert {e.milestone for e in result.events[4:]} == {"arrived_destination"}
    assert all(e.source == "UNI-PASS" for e in result.events)


def test_a_hold_is_a_customs_hold(net):
    net.add(responses.GET, URL, body=payload("unipass_hold.xml"), content_type=XML)
    result = fetch(["LP00432912349999"])["LP00432912349999"]
    assert result.events[0].title == "통관보류" and result.events[0].milestone == "customs_hold"
    assert result.customs_state == "통관보류"
    assert result.events[0].time.date().isoformat() == "2026-09-22"


@pytest.mark.parametrize(
    ("name", "content", "milestone"),
    [
        ("반입신고", "입항 반입", "import_customs"),
        ("통관목록접수", "", "import_customs"),
        ("통관목록심사완료", "", "import_customs_done"),
        ("수입신고", "", "import_customs"),
        ("수입(사용소비) 심사진행", "", "import_customs"),
        ("수입신고수리", "", "import_customs_done"),
        ("반출신고", "수입신고 수리후 반출", "handover"),
        ("반출신고", "목록통관특송물품 반출", "handover"),
        ("반출신고", "보세운송 반출", "import_customs"),
        ("보세운송신고수리", "", "import_customs"),
        ("통관보류", "", "customs_hold"),
        ("통관보류해제", "", "import_customs"),
        ("하기신고 수리", "", "arrived_destination"),
        ("하선신고 수리", "", "arrived_destination"),
        ("입항적하목록 심사완료", "", "arrived_destination"),
        ("입항보고 수리", "", "arrived_destination"),
        ("하선장소 반입기간연장 승인", "", "arrived_destination"),
        ("처음 보는 처리구분", "", "import_customs"),
    ],
)
def test_each_event_name_maps_to_a_milestone(name, content, milestone):
    event = module._event({"cargTrcnRelaBsopTpcd": name, "rlbrCn": content, "prcsDttm": "20260929162512"})
    assert event.milestone == milestone


def test_paperwork_after_the_release_does_not_hide_it():
    # Seen for real (node-unipass in-progress.xml): 반입기간연장 승인 after 반출신고.
    xml = payload("unipass_released.xml").replace(
        "<cargCsclPrgsInfoDtlQryVo>",
        "<cargCsclPrgsInfoDtlQryVo><cargTrcnRelaBsopTpcd>하선장소 반입기간연장 승인</cargTrcnRelaBsopTpcd><prcsDttm>20260929173511</prcsDttm></cargCsclPrgsInfoDtlQryVo><cargCsclPrgsInfoDtlQryVo>",
        1,
    )
    result = module.result_from(module.parse(xml.encode()), "LP00432912345678")
    assert result.events[0].milestone == "handover"
    assert "하선장소 반입기간연장 승인" not in [e.title for e in result.events]


def test_not_found_is_not_found(net):
    net.add(responses.GET, URL, body=payload("unipass_empty.xml"), content_type=XML)
    result = fetch(["LP00432912340009"])["LP00432912340009"]
    assert result.not_found and result.events == []
    assert len(net.calls) == 1  # not January: no second year


def test_in_january_the_previous_year_is_asked_too(net):
    january = Context(now=dates.parse_iso("2027-01-04T09:00:00+09:00"), key=KEY)
    net.add(responses.GET, URL, body=payload("unipass_empty.xml"), content_type=XML, match=[matchers.query_param_matcher({"crkyCn": KEY, "hblNo": "LP00432912345678", "blYy": "2027"})])
    net.add(responses.GET, URL, body=payload("unipass_released.xml"), content_type=XML, match=[matchers.query_param_matcher({"crkyCn": KEY, "hblNo": "LP00432912345678", "blYy": "2026"})])
    result = fetch(["LP00432912345678"], january)["LP00432912345678"]
    assert [query(c)["blYy"] for c in net.calls] == ["2027", "2026"]
    assert result.events[0].milestone == "handover"


def test_several_results_ask_again_for_our_latest_cargo(net):
    net.add(responses.GET, URL, body=payload("unipass_several.xml"), content_type=XML, match=[matchers.query_param_matcher({"crkyCn": KEY, "hblNo": "LP00432912345678", "blYy": "2026"})])
    net.add(responses.GET, URL, body=payload("unipass_released.xml"), content_type=XML, match=[matchers.query_param_matcher({"crkyCn": KEY, "cargMtNo": "26KE0840I0001234567"})])
    result = fetch(["LP00432912345678"])["LP00432912345678"]
    assert len(net.calls) == 2
    assert result.events[0].milestone == "handover"


def test_several_results_prefer_the_exact_house_bl():
    summaries = [
        {"hblNo": "LP00432912345678", "cargMtNo": "26KE0101I0000000111", "etprDt": "20260302"},
        {"hblNo": "LP00432912345679", "cargMtNo": "26KE0999I0000000999", "etprDt": "20260929"},
    ]
    assert module._choose(summaries, "LP00432912345678") == "26KE0101I0000000111"
    assert module._choose([{"hblNo": "X", "cargMtNo": "short"}], "LP00432912345678") is None


@pytest.mark.parametrize("name", ["unipass_invalid_key.xml", "unipass_missing_key.xml"])
def test_a_refused_key_is_key_rejected_and_never_echoed(net, name):
    net.add(responses.GET, URL, body=payload(name), content_type=XML)
    with pytest.raises(KeyRejected) as caught:
        fetch(["LP00432912345678"])
    assert KEY not in str(caught.value)


def test_no_key_no_request(net):
    with pytest.raises(MissingKey):
        fetch(["LP00432912345678"], Context(now=NOW))
    assert len(net.calls) == 0


def test_an_error_notice_is_a_bad_response(net):
    net.add(responses.GET, URL, body=payload("unipass_missing_reference.xml"), content_type=XML)
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


def test_a_call_limit_notice_is_a_rate_limit(net):
    xml = '<?xml version="1.0" encoding="UTF-8"?><cargCsclPrgsInfoQryRtnVo><ntceInfo>일일 호출 건수를 초과하였습니다.</ntceInfo><tCnt>-1</tCnt></cargCsclPrgsInfoQryRtnVo>'
    net.add(responses.GET, URL, body=xml, content_type=XML)
    with pytest.raises(RateLimited):
        fetch(["LP00432912345678"])


@pytest.mark.parametrize(
    "body",
    [
        "<cargCsclPrgsInfoQryRtnVo><ntceInfo></ntceInfo><tCnt>1",
        "not xml at all",
        "",
        "<other><tCnt>1</tCnt></other>",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><cargCsclPrgsInfoQryRtnVo><ntceInfo>&b;</ntceInfo></cargCsclPrgsInfoQryRtnVo>',
        '<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/x.dtd"><cargCsclPrgsInfoQryRtnVo/>',
    ],
)
def test_malformed_or_dangerous_xml_is_a_bad_response(net, body):
    net.add(responses.GET, URL, body=body, content_type=XML)
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


_ENTITY = '<?xml version="1.0" encoding="{enc}"?><!DOCTYPE r [<!ENTITY a "EXPANDED">]><cargCsclPrgsInfoQryRtnVo><ntceInfo>&a;</ntceInfo><tCnt>0</tCnt></cargCsclPrgsInfoQryRtnVo>'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_doctype_is_refused_in_any_encoding(net, encoding):
    """UTF-16 has no ASCII "<!DOCTYPE" in its bytes: the parser itself must refuse the DTD."""
    declared = encoding.upper().replace("-LE", "").replace("-BE", "")
    body = _ENTITY.format(enc=declared).encode(encoding)
    if encoding.endswith(("-le", "-be")):
        body = "\ufeff".encode(encoding) + body  # the byte-order mark the plain codec writes itself
    with pytest.raises(BadResponse):
        module.parse(body)
    net.add(responses.GET, URL, body=body, content_type="application/xml;charset=UTF-16")
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


def test_a_plain_utf16_answer_is_still_read():
    body = '<?xml version="1.0" encoding="UTF-16"?><cargCsclPrgsInfoQryRtnVo><ntceInfo></ntceInfo><tCnt>0</tCnt></cargCsclPrgsInfoQryRtnVo>'.encode("utf-16")
    assert module.parse(body).count == 0


def test_an_html_error_page_is_a_bad_response(net):
    net.add(responses.GET, URL, body="<!DOCTYPE html><html><body><h1>서비스 점검 중입니다</h1></body></html>", content_type="text/html")
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


def test_5xx_timeouts_and_429(net):
    net.add(responses.GET, URL, status=503)
    net.add(responses.GET, URL, status=503)
    with pytest.raises(ServerError):
        unipass.fetch(["LP00432912345678"], http.new_session(), http.TIMEOUT, CTX)
    net.replace(responses.GET, URL, body=requests.ReadTimeout())
    with pytest.raises(Unreachable):
        fetch(["LP00432912345678"])
    net.replace(responses.GET, URL, status=429)
    with pytest.raises(RateLimited):
        fetch(["LP00432912345678"])


def test_odd_fields_do_not_break_the_reading():
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><cargCsclPrgsInfoQryRtnVo><ntceInfo/><tCnt>x</tCnt>'
        "<cargCsclPrgsInfoQryVo><prgsStts>반입완료</prgsStts><prcsDttm>2026-09-29</prcsDttm></cargCsclPrgsInfoQryVo>"
        "<cargCsclPrgsInfoDtlQryVo><cargTrcnRelaBsopTpcd></cargTrcnRelaBsopTpcd></cargCsclPrgsInfoDtlQryVo>"
        "<cargCsclPrgsInfoDtlQryVo><cargTrcnRelaBsopTpcd>반입신고</cargTrcnRelaBsopTpcd><prcsDttm>99999999999999</prcsDttm><rlbrDttm>2026-09-29 08:02:35</rlbrDttm></cargCsclPrgsInfoDtlQryVo>"
        "</cargCsclPrgsInfoQryRtnVo>"
    )
    result = module.result_from(module.parse(xml.encode()), "LP00432912345678")
    assert [e.title for e in result.events] == ["반입신고"]
    assert result.events[0].time.isoformat() == "2026-09-29T08:02:35+09:00"


@pytest.mark.parametrize(
    ("parcel", "asked"),
    [
        (Parcel(tracking_number="LP00432912345678"), ["LP00432912345678"]),
        (Parcel(tracking_number="LP00432912345678", domestic_number="561000000505"), ["LP00432912345678", "561000000505"]),
        (Parcel(tracking_number="561-000-000-505"), ["561000000505"]),
        (Parcel(tracking_number="LP00432912345678", events=[Event(time=NOW, text="x", milestone="last_mile")]), []),
        (Parcel(tracking_number=None), []),
        (Parcel(tracking_number="12AB"), []),
    ],
)
def test_which_numbers_unipass_is_asked_about(parcel, asked):
    assert unipass.numbers(parcel) == asked
