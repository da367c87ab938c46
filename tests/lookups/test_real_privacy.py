"""Every real courier and customs answer (fixtures/real) through a whole diagnosis with the
history store: neither the answer, nor the store, nor its export keeps a name or a phone
number from them (README: no names are stored). Issue 9, point 5."""

from __future__ import annotations

import json
import sqlite3

import pytest
import responses

from companion import dates
from companion.diagnosis import diagnose
from companion.lookups import cjlogistics
from companion.lookups import epost
from companion.lookups import hanjin
from companion.lookups import lotte
from companion.lookups import settings as lookup_settings
from companion.lookups import unipass
from companion.parsing.base import Capture
from companion.store import History
from companion.store import export_history

from .conftest import cj_next_gone
from .test_real_captures import REAL
from .test_real_captures import real

KEY = "q260t225s025d125g080x030"
ORDER = "8215000000000919"
# The masked people of these answers, their labels, and the phone numbers printed beside them.
PEOPLE = ("테스트", "테*트", "테*터", "코**", "이**", "배송담당", "담당사원", "배송사원", "수령인", "집배원",
          "064.710.5200", "1588-0011")


def _cj(net):
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body='<html><head><meta name="_csrf" content="t0k3n"></head></html>', content_type="text/html")
    net.add(responses.POST, cjlogistics.DETAIL_URL, body=real("cj_tracking_detail_delivered_2024.json"), content_type="application/json")


def _html(method, url, name):
    return lambda net: net.add(method, url, body=real(name), content_type="text/html;charset=UTF-8")


def _lotte(net):
    net.add(responses.GET, lotte.URL, status=503)
    net.add(responses.GET, lotte.URL, status=503)
    net.add(responses.GET, lotte.PAGE_URL, body=real("lotte_tracking_delivered_2024.html"), content_type="text/html;charset=UTF-8")


def _unipass(name):
    return lambda net: net.add(responses.GET, unipass.URL, body=real(name), content_type="application/xml;charset=UTF-8")


# capture → (provider to turn on, carrier the page names, its number, the fake)
CASES = {
    "cj_tracking_detail_delivered_2024.json": ("kr.cjlogistics", "CJ대한통운", "561000000505", _cj),
    "hanjin_waybill_delivered_2024.html": ("kr.hanjin", "Hanjin", "420123456789", _html(responses.POST, hanjin.URL, "hanjin_waybill_delivered_2024.html")),
    "epost_trace_delivered_2024.html": ("kr.epost", "우체국택배", "6012345678901", _html(responses.GET, epost.URL, "epost_trace_delivered_2024.html")),
    "lotte_tracking_delivered_2024.html": ("kr.lotte", "롯데택배", "240123456786", _lotte),
    "unipass_api001_guide_air_2018.xml": ("unipass", None, None, _unipass("unipass_api001_guide_air_2018.xml")),
    "unipass_api001_sea_2021.xml": ("unipass", None, None, _unipass("unipass_api001_sea_2021.xml")),
}


def test_every_real_capture_has_a_case():
    assert set(CASES) == {p.name for p in REAL.iterdir() if p.suffix in (".json", ".html", ".xml")}


def _capture(carrier: str | None, number: str | None) -> Capture:
    line = {"mailNo": "LP00432912345678", "logisticsCarrierName": "AliExpress Standard Shipping", "detailList": [
        {"timeText": "2024-03-14 10:00:00", "trackingSecondCode": "AE_CC_IM_START", "trackingDetailDesc": "Import customs clearance started"}]}
    if carrier:
        line["logisticsCpInfo"] = {"cpName": carrier, "infoList": [{"content": number, "clickDesc": "Copy"}]}
    return Capture(url=f"https://www.aliexpress.com/p/tracking/index.html?tradeOrderId={ORDER}",
                   payloads=[{"api": "mtop.ae.ld.querydetail", "data": {"module": {"trackingDetailLineList": [line]}}}],
                   captured_at=dates.parse_iso("2024-04-20T10:00:00+09:00"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_name_or_phone_from_a_real_capture_is_kept(net, data_dir, name, service):
    provider, carrier, number, fake = CASES[name]
    fake(net)
    lookup_settings.update(data_dir, {"providers": {provider: {"enabled": True, **({"key": KEY} if provider == "unipass" else {})}}})
    store = History(data_dir / "history.sqlite3")
    answer = diagnose(_capture(carrier, number), store=store, data_dir=data_dir, service=service)
    assert any(call.request.url.startswith(("https://www.", "https://service.", "https://unipass.")) for call in net.calls), "the capture was read"
    order = answer["orders"][0]
    assert any(e for p in order["parcels"] for e in [p["last_event"]]), order
    kept = {
        "answer": json.dumps(answer, ensure_ascii=False),
        "export": json.dumps(export_history(store), ensure_ascii=False),
        "store": "\n".join(str(row) for table in ("orders", "parcels", "events")
                           for row in sqlite3.connect(data_dir / "history.sqlite3").execute(f"SELECT * FROM {table}")),
        "lookup cache": "\n".join(row[0] for row in sqlite3.connect(data_dir / "lookups.sqlite3").execute("SELECT result FROM responses")),
    }
    assert "events" in kept["lookup cache"], "the answer was cached"
    events = json.loads(kept["export"])["tables"]["events"]
    assert any(e.get("source") for e in events), "the courier's events were stored"
    for where, text in kept.items():
        leaked = [p for p in PEOPLE if p in text]
        assert leaked == [], f"{where} keeps {leaked}"
