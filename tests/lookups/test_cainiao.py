"""Cainiao ``detail.json``: real field names and actionCodes (docs/facts/carriers.md §3–4), in English and
Korean; not found, bot wall, malformed JSON, 5xx, timeouts, rate limits."""

from __future__ import annotations

import json
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
import responses

from companion.lookups import http
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import Context
from companion.lookups.base import RateLimited
from companion.lookups.base import ServerError
from companion.lookups.base import Unreachable
from companion.lookups.cainiao import PROVIDER as cainiao
from companion.lookups.cainiao import URL
from companion.models import Event
from companion.models import Parcel

from .conftest import NOW
from .conftest import payload
from .conftest import payload_json

CTX = Context(now=NOW)


def fetch(numbers):
    return cainiao.fetch(numbers, http.new_session(), http.TIMEOUT, CTX)


def test_an_english_answer_gives_events_the_courier_and_its_number(net):
    net.add(responses.GET, URL, json=payload_json("cainiao_en.json"))
    results = fetch(["LP00432912345678", "RR123456785CN"])
    lp = results["LP00432912345678"]
    assert not lp.not_found
    assert lp.domestic_carrier_name == "CJ대한통운" and lp.domestic_number == "561000000505"
    assert lp.status == "Import customs clearance complete"
    assert [e.milestone for e in lp.events[:3]] == ["import_customs_done", "import_customs", "arrived_destination"]
    assert lp.events[-1].milestone == "warehouse"
    assert all(e.source == "Cainiao" for e in lp.events)
    assert lp.events[0].code == "CC_IM_SUCCESS"
    assert lp.events[0].time.isoformat() == "2026-09-29T16:20:00+09:00"  # epoch ms, read in Seoul time
    times = [e.time for e in lp.events]
    assert times == sorted(times, reverse=True)


def test_an_external_number_without_events_is_not_found(net):
    net.add(responses.GET, URL, json=payload_json("cainiao_en.json"))
    rr = fetch(["LP00432912345678", "RR123456785CN"])["RR123456785CN"]
    assert rr.not_found and rr.events == []


def test_a_number_missing_from_the_answer_is_not_found(net):
    net.add(responses.GET, URL, json=payload_json("cainiao_en.json"))
    assert fetch(["LP00432912340009"])["LP00432912340009"].not_found


def test_numbers_go_ten_to_a_call_comma_separated(net):
    net.add(responses.GET, URL, json={"success": True, "module": []})
    fetch(["LP00432912345678", "lp00432912340001"])
    query = parse_qs(urlsplit(net.calls[0].request.url).query)
    assert query["mailNos"] == ["LP00432912345678,LP00432912340001"]
    assert query["lang"] == ["en-US"]
    assert cainiao.batch_size == 10


def test_a_korean_pickup_point_is_not_delivery(net):
    net.add(responses.GET, URL, json=payload_json("cainiao_ko.json"))
    result = fetch(["LP00432912340001"])["LP00432912340001"]
    assert result.events[0].code == "GTMS_STA_SIGNED"
    assert result.events[0].milestone == "pickup_point"
    assert "delivered" not in [e.milestone for e in result.events]
    assert result.events[0].text.startswith("고객님의 상품이 편의점")
    assert result.domestic_number == "561000000512"


def test_the_bot_wall_is_blocked_not_a_parse_error(net):
    net.add(responses.GET, URL, body=payload("cainiao_punish.html"), content_type="text/html;charset=UTF-8")
    with pytest.raises(Blocked):
        fetch(["LP00432912345678"])


def test_an_html_error_page_is_a_bad_response(net):
    net.add(responses.GET, URL, body="<html><body><h1>502 Bad Gateway</h1></body></html>", status=200, content_type="text/html")
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


@pytest.mark.parametrize("body", ['{"success": true, "module": [', "", "null", "[1, 2]", '"ok"'])
def test_malformed_json_is_a_bad_response(net, body):
    net.add(responses.GET, URL, body=body, content_type="application/json")
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])


def test_a_failure_answer_is_a_bad_response_and_a_frequency_one_a_rate_limit(net):
    net.add(responses.GET, URL, json={"success": False, "errorCode": "SYSTEM_ERROR", "errorMsg": "system error"})
    with pytest.raises(BadResponse):
        fetch(["LP00432912345678"])
    net.replace(responses.GET, URL, json={"success": False, "errorCode": "REQUEST_TOO_FREQUENT", "errorMsg": "Access frequency limit"})
    with pytest.raises(RateLimited):
        fetch(["LP00432912345678"])


def test_http_429_is_a_rate_limit(net):
    net.add(responses.GET, URL, status=429, headers={"Retry-After": "600"})
    with pytest.raises(RateLimited) as caught:
        fetch(["LP00432912345678"])
    assert caught.value.retry_after == 600


def test_5xx_twice_is_a_server_error_and_once_is_retried(net, monkeypatch):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    net.add(responses.GET, URL, status=503)
    net.add(responses.GET, URL, json=payload_json("cainiao_en.json"))
    assert not fetch(["LP00432912345678"])["LP00432912345678"].not_found
    net.replace(responses.GET, URL, status=500)
    with pytest.raises(ServerError):
        fetch(["LP00432912345678"])


def test_a_timeout_is_unreachable(net):
    net.add(responses.GET, URL, body=requests.ConnectTimeout())
    with pytest.raises(Unreachable):
        fetch(["LP00432912345678"])


def test_odd_modules_and_events_are_skipped_not_fatal(net):
    body = payload_json("cainiao_en.json")
    body["module"][0]["detailList"].insert(0, "junk")
    body["module"][0]["detailList"].insert(1, {"actionCode": None, "time": "soon"})
    body["module"].append(None)
    body["module"].append({"mailNo": {"x": 1}})
    net.add(responses.GET, URL, body=json.dumps(body), content_type="application/json")
    assert len(fetch(["LP00432912345678"])["LP00432912345678"].events) == 9


@pytest.mark.parametrize(
    ("parcel", "asked"),
    [
        (Parcel(tracking_number="LP00432912345678"), ["LP00432912345678"]),
        (Parcel(tracking_number="SWX900000000000000404"), ["SWX900000000000000404"]),
        (Parcel(tracking_number="RR123456785CN"), ["RR123456785CN"]),
        (Parcel(tracking_number="lp 0043 2912 3456 78"), ["LP00432912345678"]),
        (Parcel(tracking_number="561000000505", origin_number="LP00432912345678"), ["LP00432912345678"]),
        (Parcel(tracking_number="561000000505"), []),
        (Parcel(tracking_number=None), []),
        (Parcel(tracking_number="YT2229521272164446"), []),
        (Parcel(tracking_number="LP00432912345678", events=[Event(time=NOW, text="Delivered", milestone="delivered")]), []),
    ],
)
def test_which_parcels_cainiao_is_asked_about(parcel, asked):
    assert cainiao.numbers(parcel) == asked
