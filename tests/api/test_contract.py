"""The HTTP contract of docs/design.md §3: status codes, JSON error bodies, the response shape."""

from __future__ import annotations

import os

import pytest

from companion import __version__
from companion.api.openapi import API_VERSION
from tests.conftest import PORT

CAUSES = {
    "not_shipped", "number_not_issued", "update_delay", "untracked_service", "customs_in_progress",
    "customs_hold", "carrier_system_error", "handed_over", "stalled", "refund_eligible",
    "protection_ending", "in_transit", "delivered", "tracking_not_checked", "not_paid", "cancelled", "taking_long",
}


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, "every error is JSON"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_health_needs_no_token_and_says_nothing_personal(client):
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    # The versions, and which process answers (for `parcel-doctor status` and `stop`): nothing personal.
    assert set(body) == {"status", "version", "api_version", "paired", "pid", "started_at"}
    assert body["status"] == "ok" and body["paired"] is False
    assert body["version"] == __version__ and body["api_version"] == API_VERSION >= 2
    assert body["pid"] == os.getpid()


def test_diagnose_needs_the_token(client):
    assert_error(client.post("/v1/diagnose", json={"html": "<p>x</p>"}), 401, "unauthorized")
    assert_error(client.post("/v1/diagnose", json={"html": "<p>x</p>"}, headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")


def test_diagnose_answers_the_documented_shape(client, auth):
    html = "<html><body><p>운송장 번호: 561000000505 (CJ대한통운), RR123456785CN</p></body></html>"
    response = client.post("/v1/diagnose", json={"url": "https://mail.example.com/m/1", "html": html, "lang": "ko"}, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["page"] == {"site": "generic", "kind": "generic"}
    assert body["orders"] == []
    numbers = {n["number"]: n for n in body["tracking_numbers"]}
    assert numbers["RR123456785CN"]["valid"] is True
    assert numbers["RR123456785CN"]["carriers"][0]["id"] == "china-post"
    assert "kr.cjlogistics" in [c["id"] for c in numbers["561000000505"]["carriers"]]


def test_a_tracking_payload_gives_one_diagnosed_order(client, auth):
    payload = {
        "api": "mtop.ae.ld.querydetail",
        "data": {"data": {"module": {"trackingDetailLineList": [{
            "mailNo": "SWX900000000000000404", "logisticsCarrierName": "AliExpress Selection Standard",
            "detailList": [
                {"timeText": "Sun | Sep. 27 14:02", "trackingSecondCode": "AE_CC_IM_START", "trackingDetailDesc": "Import customs clearance started"},
                {"timeText": "Sat | Sep. 26 08:00", "trackingSecondCode": "AE_LH_ARRIVE_SUCCESS", "trackingDetailDesc": "Your package arrived at local airport"},
            ]}]}}},
    }
    response = client.post(
        "/v1/diagnose",
        json={"url": "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000404", "payloads": [payload],
              "captured_at": "2026-09-29T10:00:00+09:00"},
        headers=auth,
    )
    body = response.get_json()
    assert body["page"] == {"site": "aliexpress", "kind": "tracking"}
    (order,) = body["orders"]
    assert order["order_id"] == "8215000000000404"
    assert order["diagnosis"]["cause"] == "customs_in_progress"
    assert order["diagnosis"]["wait"] == {"until": "2026-10-02", "days_left": 3}
    assert order["parcels"][0]["stage"] == "customs"
    assert order["parcels"][0]["carrier"]["id"] == "cainiao"
    assert order["findings"][0] == order["diagnosis"]
    for finding in order["findings"]:
        assert finding["cause"] in CAUSES
        assert finding["severity"] in {"ok", "info", "wait", "action"}
        for action in finding["actions"]:
            assert action["kind"] in {"tracker", "customs", "courier", "aliexpress", "seller", "dispute"}
            assert action["url"].startswith("https://")


def test_english_when_asked(client, auth):
    response = client.post("/v1/diagnose", json={"html": "<p>RR123456785CN</p>", "lang": "en"}, headers=auth)
    assert response.get_json()["tracking_numbers"][0]["carriers"][0]["name"] == "China Post"


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({}, 400, "missing_content"),
        ({"html": ""}, 400, "missing_content"),
        ({"html": 5}, 400, "invalid_field"),
        ({"html": "<p/>", "payloads": "x"}, 400, "invalid_field"),
        ({"payloads": [1]}, 400, "invalid_field"),
        ({"html": "<p/>", "lang": "fr"}, 400, "invalid_field"),
        ({"html": "<p/>", "captured_at": "yesterday"}, 400, "invalid_field"),
        ({"html": "<p/>", "url": ["x"]}, 400, "invalid_field"),
        ([1, 2], 400, "invalid_body"),
    ],
)
def test_bad_bodies_get_a_clear_error(client, auth, body, status, code):
    assert_error(client.post("/v1/diagnose", json=body, headers=auth), status, code)


def test_json_only(client, auth):
    assert_error(client.post("/v1/diagnose", data="html=x", headers={**auth, "Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type")
    assert_error(client.post("/v1/diagnose", data="{not json", headers={**auth, "Content-Type": "application/json"}), 400, "invalid_json")


def test_unknown_paths_and_methods_are_json(client, auth):
    assert_error(client.get("/v1/nothing-here", headers=auth), 404, "not_found")
    assert_error(client.get("/", headers=auth), 404, "not_found")
    assert_error(client.get("/v1/diagnose", headers=auth), 405, "method_not_allowed")


def test_body_limit(client, auth):
    big = "<p>" + "x" * (8 * 1024 * 1024 + 10) + "</p>"
    assert_error(client.post("/v1/diagnose", json={"html": big}, headers=auth), 413, "payload_too_large")


def test_wrong_host_is_refused(client):
    assert_error(client.get("/v1/health", base_url=f"http://evil.example:{PORT}"), 421, "wrong_host")
    assert_error(client.get("/v1/health", base_url="http://127.0.0.1:9999"), 421, "wrong_host")


def test_web_origins_are_refused_without_cors_headers(client, auth):
    response = client.post("/v1/diagnose", json={"html": "<p/>"}, headers={**auth, "Origin": "https://www.aliexpress.com"})
    assert_error(response, 403, "forbidden_origin")
    assert not any(h.lower().startswith("access-control-allow") for h in response.headers.keys())
    preflight = client.options("/v1/diagnose", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_orders_list_and_forget(client, auth):
    html = '<div class="order-item"><span class="order-item-header-status-text">배송 대기 중</span><a href="/p/order/detail.html?orderId=8215000000000101">상세</a></div>'
    client.post("/v1/diagnose", json={"url": "https://www.aliexpress.com/p/order/index.html", "html": html}, headers=auth)
    listed = client.get("/v1/orders?limit=10", headers=auth).get_json()
    assert [o["order_id"] for o in listed["orders"]] == ["8215000000000101"]
    assert listed["orders"][0]["diagnosis"]["cause"] == "tracking_not_checked"
    assert listed["next_cursor"] is None
    assert client.delete("/v1/orders/8215000000000101", headers=auth).status_code == 200
    assert client.get("/v1/orders", headers=auth).get_json()["orders"] == []
    assert_error(client.delete("/v1/orders/8215000000000101", headers=auth), 404, "order_not_found")
    assert_error(client.get("/v1/orders?limit=abc", headers=auth), 400, "invalid_field")
    assert_error(client.get("/v1/orders?cursor=%%%", headers=auth), 400, "invalid_cursor")
