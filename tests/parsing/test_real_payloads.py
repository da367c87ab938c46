"""The three real (anonymized) AliExpress API answers published by maxwellmezadre/aliexpress-mcp
(test/fixtures/, commit 226cf08; docs/facts/aliexpress-pages.md), where they sit beside the project.

Their source asks that they be read from beside the project, never copied into it, so this module
runs in addition to the project's own fixtures of the same shape (tests/fixtures/order_detail/en_real_shape
and the payload fixtures): tests/conftest.py leaves it out of the collection when the folder is absent.
"""

from __future__ import annotations

import json

import pytest

from companion import dates
from companion.diagnosis import diagnose
from companion.parsing import parse
from companion.parsing.base import Capture
from tests.conftest import SHARED

API = SHARED / "reference" / "aliexpress-api"
NOW = "2026-09-07T10:00:00+09:00"
ORDER = "8212313961591322"


def capture(name: str, url: str = "") -> Capture:
    body = json.loads((API / name).read_text(encoding="utf-8"))
    return Capture(url=url, payloads=[{"api": body["api"], "data": body}], captured_at=dates.parse_iso(NOW))


def test_order_list_reads_every_order_in_display_order():
    page = parse(capture("order-list-init.json"))
    assert page.kind == "order_list"
    ids = [o.order_id for o in page.orders]
    assert ids[:3] == ["8214398062177351", "8214779947343229", ORDER]
    assert len(ids) == 10
    statuses = [o.status for o in page.orders]
    assert statuses.count("completed") == 8 and statuses.count("awaiting_delivery") == 2
    assert page.orders[0].ordered_on.isoformat() == "2026-09-01"
    assert page.orders[0].has_tracking_link and "confirm" in page.orders[0].buttons


def test_order_detail_reads_status_dates_and_protection():
    (order,) = parse(capture("order-detail.json")).orders
    assert order.order_id == ORDER
    assert order.status == "completed" and order.status_code == "9"
    assert order.ordered_on.isoformat() == "2026-07-15"
    assert order.shipped_on.isoformat() == "2026-07-16"
    assert order.protection_until.isoformat() == "2026-09-04"
    assert order.parcels == []  # the 2026 detail response carries no tracking number


def test_querydetail_reads_the_parcel_and_its_events():
    (order,) = parse(capture("logistics-querydetail.json")).orders
    assert order.order_id == ORDER  # from the tips link: the URL gave none
    assert order.protection_until.isoformat() == "2026-09-03"
    (parcel,) = order.parcels
    assert parcel.tracking_number == "AA000000000BR"
    assert parcel.origin_number == "LP00000000000000"
    assert parcel.service == "AliExpress standard shipping"
    assert parcel.carrier_name == "J&T Express"
    assert parcel.domestic_number == "CNBR00160702682"  # the copyable number, not the phone
    assert len(parcel.events) == 26
    newest = parcel.events[0]
    assert (newest.code, newest.milestone, newest.time.isoformat()) == ("AE_GTMS_SIGNED", "delivered", "2026-07-28T18:39:00+09:00")
    # timeText wins over the epoch: the sample's epochs were scrambled by its anonymisation.
    times = [e.time for e in parcel.events if e.time]
    assert times == sorted(times, reverse=True)
    assert all(e.milestone for e in parcel.events), [e.code for e in parcel.events if not e.milestone]


def test_the_three_together_diagnose_a_delivered_order():
    url = f"https://www.aliexpress.com/p/order/detail.html?orderId={ORDER}"
    payloads = []
    for name in ("order-detail.json", "logistics-querydetail.json"):
        payloads += capture(name).payloads
    answer = diagnose(Capture(url=url, payloads=payloads, captured_at=dates.parse_iso(NOW)))
    (order,) = answer["orders"]
    assert order["status"] == "completed"
    assert order["diagnosis"]["cause"] == "delivered"
    assert order["parcels"][0]["stage"] == "delivered"
    assert order["parcels"][0]["domestic"]["tracking_number"] == "CNBR00160702682"


# --- the samples through the rest of the companion ---------------------------------------------


@pytest.mark.parametrize("name, url", [
    ("order-list-init.json", "https://www.aliexpress.com/p/order/index.html"),
    ("order-detail.json", "https://www.aliexpress.com/p/order/detail.html?orderId=8215000000000303"),
    ("logistics-querydetail.json", "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000303"),
])
def test_the_real_api_samples_are_understood(name, url):
    """No real answer is said to be a page that changed (companion/understood.py)."""
    answer = diagnose(capture(name, url))
    assert "notices" not in answer, answer["notices"]


def test_the_real_api_samples_lose_the_buyer(client, auth):
    """The diagnosis file of each sample holds none of its (placeholder) buyer's details."""
    for name, url in (("logistics-querydetail.json", "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000303"),
                      ("order-detail.json", "https://www.aliexpress.com/p/order/detail.html?orderId=8215000000000303"),
                      ("order-list-init.json", "https://www.aliexpress.com/p/order/index.html")):
        body = json.loads((API / name).read_text(encoding="utf-8"))
        reply = client.post(
            "/v1/diagnosis-file",
            json={"url": url, "payloads": [{"api": body.get("api"), "data": body}], "captured_at": "2026-09-30T10:00:00+09:00", "extension_version": "0.1.0"},
            headers=auth,
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)
        text = json.dumps(reply.get_json(), ensure_ascii=False)
        for person in ("Comprador Exemplo", "Rua Exemplo", "Bairro Exemplo", "Cidade Exemplo", "11999999999", "00000-000"):
            assert person not in text, (name, person)
