"""``lookup``: opt-in, within 3 s, merged into the parcels, and it says who did not answer."""

from __future__ import annotations

import json
import logging
import re
import time
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import responses

from companion import dates
from companion import lookups
from companion.lookups import cainiao
from companion.lookups import cjlogistics
from companion.lookups import http
from companion.lookups import lotte
from companion.lookups import settings as lookup_settings
from companion.lookups import unipass
from companion.lookups.cache import FILENAME
from companion.models import Event
from companion.models import Order
from companion.models import Parcel
from companion.parsing import vocabulary

from .conftest import NOW
from .conftest import payload
from .conftest import cj_next_gone
from .conftest import payload_json

KEY = "q260t225s025d125g080x030"
ANY = re.compile(r"https?://.*")
XML = "application/xml;charset=UTF-8"


def settings(*on, key=None) -> lookup_settings.Settings:
    made = lookup_settings.Settings()
    body = {"providers": {p: {"enabled": True} for p in on}}
    if key:
        body["providers"].setdefault("unipass", {})["key"] = key
    lookup_settings.apply(made, body)
    return made


def page_event(when: str, code: str, text: str) -> Event:
    return Event(time=dates.parse_iso(when), text=text, code=code, milestone=vocabulary.classify_event(code, text))


def an_order(*parcels: Parcel) -> Order:
    return Order(order_id="8215000000000404", status="awaiting_delivery", parcels=list(parcels) or [lp_parcel()])


def lp_parcel(number="LP00432912345678") -> Parcel:
    return Parcel(
        tracking_number=number,
        service="AliExpress Selection Standard",
        carrier_name="AliExpress Selection Standard",
        events=[page_event("2026-09-28T09:10:00+09:00", "AE_CC_IM_START", "Import customs clearance started")],
    )


def catch_all(net):
    for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE, responses.HEAD):
        net.add(method, ANY, body="should never be called")


# --- consent: nothing is sent for a provider that is off -------------------------------------------


def test_every_provider_off_sends_nothing_and_opens_nothing(net, data_dir, service):
    catch_all(net)
    orders = [an_order(lp_parcel(), Parcel(tracking_number="561000000505", carrier_name="CJ대한통운"), Parcel(tracking_number="6012345678901"))]
    before = [list(p.events) for p in orders[0].parcels]
    assert lookups.lookup(orders, lookup_settings.Settings(), NOW, data_dir, service=service).warnings_in("en") == []
    assert lookups.lookup(orders, None, NOW, data_dir, service=service).warnings_in("en") == []  # read from the (absent) file: off
    assert lookups.lookup(orders, {"providers": {}}, NOW, data_dir, service=service).warnings_in("en") == []
    assert len(net.calls) == 0
    assert [p.events for p in orders[0].parcels] == before
    assert not (data_dir / FILENAME).exists()


def test_a_key_without_consent_sends_nothing(net, data_dir, service):
    catch_all(net)
    assert lookups.lookup([an_order()], settings(key=KEY), NOW, data_dir, service=service).warnings_in("en") == []
    assert len(net.calls) == 0


def test_only_the_providers_turned_on_are_asked(net, data_dir, service):
    catch_all(net)
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    order = an_order(lp_parcel(), Parcel(tracking_number="6012345678901"), Parcel(tracking_number="42012345678901"))
    lookups.lookup([order], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    hosts = {re.match(r"https?://([^/:]+)", c.request.url).group(1) for c in net.calls}
    assert hosts == {"global.cainiao.com"}


def test_the_off_switch_wins_over_the_settings(net, data_dir, monkeypatch, service):
    catch_all(net)
    monkeypatch.setenv(lookups.OFF_SWITCH, "off")
    assert lookups.lookup([an_order()], settings("cainiao", "kr.epost"), NOW, data_dir, service=service).warnings_in("en") == []
    assert len(net.calls) == 0


# --- merging ------------------------------------------------------------------------------------------


def test_cainiao_reveals_the_courier_which_is_then_asked(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    cj_next_gone(net)
    net.add(responses.GET, cjlogistics.PAGE_URL, body=payload("cj_tracking_page.html"), content_type="text/html")
    net.add(responses.POST, cjlogistics.DETAIL_URL, json=payload_json("cj_detail_out_for_delivery.json"))
    order = an_order()
    parcel = order.parcels[0]
    warnings = lookups.lookup([order], settings("cainiao", "kr.cjlogistics"), NOW, data_dir, service=service).warnings_in("en")
    assert warnings == []
    assert parcel.domestic_number == "561000000505"
    assert parcel.carrier_name == "CJ대한통운"  # the page named no Korean courier; Cainiao did
    assert parcel.events[0].milestone == "out_for_delivery" and parcel.events[0].source == "CJ대한통운"
    times = [e.time for e in parcel.events]
    assert times == sorted(times, reverse=True)
    # the page's AE_CC_IM_START and Cainiao's CC_IM_START of the same minute are one event
    starts = [e for e in parcel.events if e.milestone == "import_customs"]
    assert len(starts) == 1 and starts[0].code == "AE_CC_IM_START" and starts[0].source == ""
    assert {"live: Cainiao", "live: CJ대한통운"} <= set(order.sources)


def test_the_page_names_win_over_cainiaos(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    parcel = lp_parcel()
    parcel.carrier_name = "한진택배"
    parcel.domestic_number = "42012345678901"
    lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert (parcel.carrier_name, parcel.domestic_number) == ("한진택배", "42012345678901")


def test_unipass_events_join_with_their_source(net, data_dir, service):
    net.add(responses.GET, unipass.URL, body=payload("unipass_hold.xml"), content_type=XML)
    parcel = Parcel(tracking_number="LP00432912349999", events=[page_event("2026-09-21T22:40:00+09:00", "AE_LH_ARRIVE_SUCCESS", "Arrived at local airport")])
    warnings = lookups.lookup([an_order(parcel)], settings("unipass", key=KEY), NOW, data_dir, service=service).warnings_in("en")
    assert warnings == []
    assert parcel.events[0].milestone == "customs_hold" and parcel.events[0].source == "UNI-PASS"
    assert dict(p.split("=") for p in net.calls[0].request.url.split("?")[1].split("&"))["blYy"] == "2026"


def test_the_same_answer_twice_adds_nothing(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    parcel = lp_parcel()
    lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    first = list(parcel.events)
    (data_dir / FILENAME).unlink()
    with lookups.Service() as fresh:  # a new session and breakers, as after a restart
        lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=fresh).warnings_in("en")
    assert parcel.events == first


def test_a_fresh_number_cainiao_does_not_know_is_reported_not_found(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json={"success": True, "module": [{"mailNo": "LP00432912340009", "mailNoSource": "EXTERNAL", "detailList": []}]})
    parcel = Parcel(tracking_number="LP00432912340009")
    report = lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=service)
    assert report.warnings_in("en") == []
    assert report.not_found(parcel, "cainiao")
    assert parcel.events == []


def test_a_delivered_parcel_is_left_alone(net, data_dir, service):
    catch_all(net)
    parcel = lp_parcel()
    parcel.events.insert(0, page_event("2026-09-30T09:00:00+09:00", "AE_GTMS_SIGNED", "Delivered"))
    assert lookups.lookup([an_order(parcel)], settings("cainiao", "unipass", key=KEY), NOW, data_dir, service=service).warnings_in("en") == []
    assert len(net.calls) == 0


# --- the budget -----------------------------------------------------------------------------------------


def test_a_slow_provider_is_cut_off_and_the_rest_is_used(net, data_dir, releases, service):
    gate = releases()

    def slow(request):
        gate.wait(20)
        return 200, {"Content-Type": XML}, payload("unipass_released.xml")

    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    net.add_callback(responses.GET, unipass.URL, callback=slow)
    parcel = lp_parcel()
    started = time.monotonic()
    warnings = lookups.lookup([an_order(parcel)], settings("cainiao", "unipass", key=KEY), NOW, data_dir, service=service, budget=0.5).warnings_in("en")
    assert time.monotonic() - started < 1.5
    assert warnings == ["UNI-PASS did not answer within 0.5 s"]
    assert parcel.events[0].source == "Cainiao"  # what came back is used
    # the late answer still lands in the cache: the next diagnosis has it without asking
    gate.set()
    assert service.drain(10)
    calls = len(net.calls)
    lookups.lookup([an_order(lp_parcel())], settings("cainiao", "unipass", key=KEY), NOW, data_dir, service=service, budget=0.5).warnings_in("en")
    assert len(net.calls) == calls


def test_a_diagnosis_never_waits_more_than_three_seconds(net, data_dir, releases, service):
    gate = releases()

    def hang(request):
        gate.wait(20)
        return 200, {}, "{}"

    for url in (cainiao.URL, unipass.URL, lotte.URL):
        net.add_callback(responses.GET, url, callback=hang)
    order = an_order(lp_parcel(), Parcel(tracking_number="LP00432912345679", carrier_name="롯데택배", domestic_number="240123456786"))
    started = time.monotonic()
    report = lookups.lookup([order], settings("cainiao", "unipass", "kr.lotte", key=KEY), NOW, data_dir, service=service)
    waited = time.monotonic() - started
    assert 2.9 <= waited < 3.6
    assert sorted(p.provider for p in report.problems) == ["cainiao", "kr.lotte", "unipass"]
    assert all(p.kind == "timeout" and p.en.endswith("did not answer within 3 s") for p in report.problems)
    assert all("3초" in p.ko for p in report.problems)


def test_providers_are_asked_at_the_same_time(net, data_dir, service):
    def slowly(body, kind="json"):
        def answer(request):
            time.sleep(0.4)
            return 200, {"Content-Type": "application/json" if kind == "json" else XML}, body
        return answer

    import json as _json

    net.add_callback(responses.GET, cainiao.URL, callback=slowly(_json.dumps(payload_json("cainiao_en.json"))))
    net.add_callback(responses.GET, unipass.URL, callback=slowly(payload("unipass_empty.xml"), "xml"))
    started = time.monotonic()
    assert lookups.lookup([an_order()], settings("cainiao", "unipass", key=KEY), NOW, data_dir, service=service).warnings_in("en") == []
    assert time.monotonic() - started < 1.6  # two rounds of 0.4 s at most, not four calls in a row


# --- failures become warnings, never exceptions -------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"status": 503}, "had a server error"),
        ({"body": "<html><body>Bad gateway</body></html>", "content_type": "text/html"}, "could not be read"),
        ({"body": '{"success": tr', "content_type": "application/json"}, "could not be read"),
        ({"status": 429}, "slow down"),
        ({"body": payload("cainiao_punish.html"), "content_type": "text/html"}, "refused the lookup"),
    ],
)
def test_each_failure_is_one_warning(net, data_dir, monkeypatch, answer, words, service):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    net.add(responses.GET, cainiao.URL, **answer)
    parcel = lp_parcel()
    warnings = lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(warnings) == 1 and warnings[0].startswith("Cainiao") and words in warnings[0]
    assert [e.source for e in parcel.events] == [""]  # the page's event, untouched


def test_a_refused_key_says_so_and_never_shows_it(net, data_dir, caplog, service):
    caplog.set_level(logging.DEBUG)
    net.add(responses.GET, unipass.URL, body=payload("unipass_invalid_key.xml"), content_type=XML)
    report = lookups.lookup([an_order()], settings("unipass", key=KEY), NOW, data_dir, service=service)
    assert [p.kind for p in report.problems] == ["key_rejected"]
    assert "key" in report.warnings_in("en")[0]
    assert KEY not in caplog.text and KEY not in " ".join(report.warnings_in("en") + report.warnings_in("ko"))


def test_the_key_is_never_logged_or_cached(net, data_dir, caplog, service):
    caplog.set_level(logging.DEBUG)
    net.add(responses.GET, unipass.URL, body=payload("unipass_released.xml"), content_type=XML)
    lookups.lookup([an_order()], settings("unipass", key=KEY), NOW, data_dir, service=service).warnings_in("en")
    assert KEY in net.calls[0].request.url  # it is sent (to UNI-PASS, as the user asked) …
    assert KEY not in caplog.text  # … but never logged
    for path in data_dir.iterdir():
        assert KEY.encode() not in path.read_bytes(), path.name


def test_repeated_failures_open_the_breaker(net, data_dir, monkeypatch, service):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    net.add(responses.GET, cainiao.URL, status=500)
    for _ in range(3):
        assert "server error" in lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")[0]
    calls = len(net.calls)
    warnings = lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == calls
    assert "skipped" in warnings[0] and "next try in 1 min" in warnings[0]


def test_a_rate_limit_pauses_the_provider(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, status=429, headers={"Retry-After": "600"})
    lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    calls = len(net.calls)
    warnings = lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == calls
    assert warnings == ["Cainiao was skipped: it asked us to slow down (next try in 10 min)"]


def test_a_bug_in_a_provider_is_a_warning(net, data_dir, monkeypatch, service):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(cainiao.PROVIDER, "fetch", broken)
    warnings = lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert warnings == ["Cainiao failed"]


def test_the_cache_answers_within_thirty_minutes(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == 1
    parcel = lp_parcel()
    lookups.lookup([an_order(parcel)], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == 1
    assert parcel.domestic_number == "561000000505" and parcel.events[0].source == "Cainiao"


def test_settings_are_read_from_the_data_dir_when_not_given(net, data_dir, service):
    lookup_settings.save(data_dir, settings("cainiao"))
    net.add(responses.GET, cainiao.URL, json=payload_json("cainiao_en.json"))
    lookups.lookup([an_order()], None, NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == 1


def test_many_parcels_share_calls(net, data_dir, service):
    net.add(responses.GET, cainiao.URL, json={"success": True, "module": []})
    parcels = [lp_parcel(f"LP004329123400{n:02d}") for n in range(12)]
    parcels.append(lp_parcel("LP00432912340000"))  # the same number twice: asked once
    lookups.lookup([an_order(*parcels)], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    assert len(net.calls) == 2  # 12 numbers, 10 a call


def test_no_provider_gets_more_than_three_requests_at_once(net, data_dir, service):
    import threading

    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def answer(request):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return 200, {"Content-Type": XML}, payload("unipass_empty.xml")

    net.add_callback(responses.GET, unipass.URL, callback=answer)
    parcels = [Parcel(tracking_number=f"LP004329123400{n:02d}") for n in range(10)]
    report = lookups.lookup([an_order(*parcels)], settings("unipass", key=KEY), NOW, data_dir, service=service)
    assert report.warnings_in("en") == [] and len(net.calls) == 10
    assert state["most"] <= lookups.PARALLEL_PER_PROVIDER
    assert all(report.not_found(p, "unipass") for p in parcels)


# --- caps: a forged capture cannot drive unlimited lookups (issue 11, point 6) -------------------


def _empty_unipass(net):
    net.add(responses.GET, unipass.URL, body=payload("unipass_empty.xml"), content_type=XML)


def _many(count: int, start: int = 0) -> list[Parcel]:
    return [Parcel(tracking_number=f"LP0043291{n:07d}") for n in range(start, start + count)]


def test_a_capture_with_300_parcels_asks_at_most_the_cap(net, data_dir, service):
    _empty_unipass(net)
    report = lookups.lookup([an_order(*_many(300))], settings("unipass", key=KEY), NOW, data_dir, service=service)
    assert service.drain(30)  # also what a slow machine finishes after the budget
    assert len(net.calls) == lookups.NUMBERS_PER_CAPTURE == 20
    assert report.asked == lookups.NUMBERS_PER_CAPTURE
    assert any("20 of 300" in w for w in report.warnings_in("en")), report.warnings_in("en")
    assert any("300개 중 20개만" in w for w in report.warnings_in("ko"))


def test_the_cap_holds_across_the_second_round(net, data_dir, service):
    """Cainiao reveals a Korean number for each parcel it is asked about: UNI-PASS, already at
    its cap with the LP numbers, asks none of them in the second round."""
    template = payload_json("cainiao_en.json")["module"][0]

    def cainiao_answer(request):
        asked = parse_qs(urlsplit(request.url).query)["mailNos"][0].split(",")
        modules = [{**template, "mailNo": n, "realMailNo": "56" + n[-10:], "copyRealMailNo": "56" + n[-10:]} for n in asked]
        return 200, {"Content-Type": "application/json"}, json.dumps({"success": True, "module": modules})

    net.add_callback(responses.GET, cainiao.URL, callback=cainiao_answer)
    _empty_unipass(net)
    parcels = _many(300)
    lookups.lookup([an_order(*parcels)], settings("cainiao", "unipass", key=KEY), NOW, data_dir, service=service)
    assert service.drain(30)
    assert sum(p.domestic_number is not None for p in parcels) == lookups.NUMBERS_PER_CAPTURE  # revealed
    assert len([c for c in net.calls if c.request.url.startswith(cainiao.URL)]) == lookups.NUMBERS_PER_CAPTURE // cainiao.PROVIDER.batch_size
    assert len([c for c in net.calls if c.request.url.startswith(unipass.URL)]) == lookups.NUMBERS_PER_CAPTURE


def test_a_provider_gets_at_most_sixty_numbers_a_minute(net, data_dir, service):
    """Forged captures posted one after another: 20, 20, 20, then nothing until a minute passed."""
    _empty_unipass(net)
    sent = []
    for page in range(5):
        lookups.lookup([an_order(*_many(20, start=page * 20))], settings("unipass", key=KEY), NOW, data_dir, service=service)
        assert service.drain(30)
        sent.append(len(net.calls) - sum(sent))
    assert sent == [20, 20, 20, 0, 0]
    assert len(net.calls) == lookups.NUMBERS_PER_MINUTE == 60
    quota = service.quota("unipass")
    later = quota.clock() + http.QUOTA_WINDOW + 1
    quota.clock = lambda: later
    lookups.lookup([an_order(*_many(20, start=500))], settings("unipass", key=KEY), NOW, data_dir, service=service)
    assert service.drain(30)
    assert len(net.calls) == 80
