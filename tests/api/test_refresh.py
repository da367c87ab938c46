"""``POST /v1/refresh``: the stored orders still on their way, re-checked without a page: the
rules again with a later "now" (time-based changes), the live lookups the user turned on
(faked by ``responses``), the result kept, and only what changed answered."""

from __future__ import annotations

import responses

from companion import refresh
from companion.lookups import cainiao
from companion.lookups import settings as lookup_settings
from companion.models import Order
from companion.models import Parcel
from tests.conftest import FIXTURES
from tests.lookups.conftest import net  # noqa: F401  (fixtures: responses on, fresh breakers)
from tests.lookups.conftest import no_internet  # noqa: F401
from tests.lookups.conftest import payload_json
from tests.lookups.conftest import releases  # noqa: F401
from tests.lookups.conftest import service  # noqa: F401
from tests.parsing.test_fixtures import request_of

CUSTOMS = "8215000000000404"  # the tracking page says: import customs since 09-27, captured 09-30
NUMBER = "SWX900000000000000404"


def seen(client, auth, *names: str) -> None:
    for name in names:
        answer = client.post("/v1/diagnose", json=request_of(FIXTURES / f"{name}.capture.json"), headers=auth)
        assert answer.status_code == 200, answer.get_json()


def refreshed(client, auth, **body) -> dict:
    answer = client.post("/v1/refresh", json=body, headers=auth)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_later_day_turns_customs_in_progress_into_a_hold_once(client, auth):
    seen(client, auth, "tracking/ko_0404", "tracking/ko_0707")
    before = {o["order_id"]: o["last_seen"] for o in client.get("/v1/orders", headers=auth).get_json()["orders"]}
    # The same day: the order rebuilt from the store reads as the page did.
    same_day = refreshed(client, auth, now="2026-09-30T18:00:00+09:00")
    assert same_day["changed"] == [] and same_day["checked"] == 1  # the delivered 0707 is not re-checked
    later = refreshed(client, auth, now="2026-10-05T09:00:00+09:00")
    assert later["changed"] == [
        {
            "order_id": CUSTOMS,
            "before": "customs_in_progress",
            "after": "customs_hold",
            "severity": "action",
            "title": "통관 보류",
            "explanation": later["changed"][0]["explanation"],
            "next_step": {"label": "UNI-PASS 화물진행정보", "url": "https://unipass.customs.go.kr/csp/index.do?tgMenuId=MYC_MNU_00000450"},
            "tracking_url": f"https://www.aliexpress.com/p/tracking/index.html?tradeOrderId={CUSTOMS}",
            "domestic_number": None,
        }
    ]
    assert "통관이 9일째 끝나지 않았어요" in later["changed"][0]["explanation"]
    assert later["action_count"] == 1 and later["action_orders"] == [CUSTOMS]
    # Kept: asked again, nothing is new; the order's stored diagnosis is the new one.
    again = refreshed(client, auth, now="2026-10-05T15:00:00+09:00")
    assert again["changed"] == [] and again["action_count"] == 1
    stored = {o["order_id"]: o for o in client.get("/v1/orders", headers=auth).get_json()["orders"]}
    assert stored[CUSTOMS]["diagnosis"]["cause"] == "customs_hold"
    # A background re-check is not the user seeing the order: "last seen" stays.
    assert {i: o["last_seen"] for i, o in stored.items()} == before


def test_the_change_is_said_in_the_language_asked(client, auth):
    seen(client, auth, "tracking/ko_0404")
    change = refreshed(client, auth, now="2026-10-05T09:00:00+09:00", lang="en")["changed"][0]
    assert change["title"] == "Held in customs" and change["next_step"]["label"] == "UNI-PASS cargo status"
    assert "UNI-PASS" in change["explanation"] and not any("\uac00" <= ch <= "\ud7a3" for ch in change["explanation"])


def test_protection_ending_and_sixty_days_come_with_the_calendar(client, auth):
    seen(client, auth, "order_list/ko_page2", "tracking/ko_0505")
    changes = {c["order_id"]: c for c in refreshed(client, auth, now="2026-11-09T09:00:00+09:00")["changed"]}
    assert changes["8215000000000505"]["before"] == "handed_over"
    assert changes["8215000000000505"]["after"] == "protection_ending"
    assert changes["8215000000000505"]["domestic_number"] == "520000005052"  # the courier's number, still known
    assert changes["8215000000000303"]["after"] == "refund_eligible"
    assert changes["8215000000000303"]["next_step"]["url"].startswith("https://www.aliexpress.com/p/order/detail.html")


def test_a_live_hand_over_is_found_and_kept(net, client, auth, app):  # noqa: F811
    body = payload_json("cainiao_en.json")
    body["module"][0]["mailNo"] = NUMBER
    net.add(responses.GET, cainiao.URL, json=body)
    seen(client, auth, "tracking/ko_0404")
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": True}}})
    found = refreshed(client, auth, now="2026-09-30T18:00:00+09:00")
    assert [(c["order_id"], c["before"], c["after"], c["domestic_number"]) for c in found["changed"]] == [
        (CUSTOMS, "customs_in_progress", "handed_over", "561000000505")
    ]
    assert found["changed"][0]["severity"] == "info" and found["warnings"] == []
    assert len(net.calls) == 1 and NUMBER in net.calls[0].request.url
    # What Cainiao said is in the store now: with every provider off, it still reads as handed over.
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": False}}})
    assert refreshed(client, auth, now="2026-09-30T19:00:00+09:00")["changed"] == []
    listed = {o["order_id"]: o for o in client.get("/v1/orders", headers=auth).get_json()["orders"]}
    assert listed[CUSTOMS]["diagnosis"]["cause"] == "handed_over"
    assert len(net.calls) == 1


def test_a_provider_that_fails_is_named_and_nothing_changes(net, client, auth, app):  # noqa: F811
    net.add(responses.GET, cainiao.URL, status=503)
    seen(client, auth, "tracking/ko_0404")
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": True}}})
    found = refreshed(client, auth, now="2026-09-30T18:00:00+09:00")
    assert found["changed"] == [] and found["checked"] == 1
    assert found["warnings"] and "차이냐오" in found["warnings"][0]


def test_each_run_looks_up_at_most_its_share_of_numbers_and_the_next_run_the_next_orders():
    orders = [Order(order_id=f"82150000000{i:05d}", parcels=[Parcel(tracking_number=f"LP{i:014d}")]) for i in range(25)]
    orders.append(Order(order_id="8215000000099999", parcels=[Parcel(tracking_number=f"LP{i:014d}") for i in range(21)]))
    orders.append(Order(order_id="8215000000000000"))  # nothing to look up
    key = "test-turns"
    first = refresh._this_turn(orders, key)
    second = refresh._this_turn(orders, key)
    assert sum(len(refresh._numbers(o)) for o in first) == refresh.NUMBERS_PER_REFRESH == 20
    assert [o.order_id for o in first] == [o.order_id for o in orders[:20]]
    # the rest, then round again from the start; the order with 21 numbers is never sent
    assert [o.order_id for o in second] == [o.order_id for o in orders[20:25] + orders[:15]]
    assert all(len(refresh._numbers(o)) <= 20 for o in first + second)


def test_refresh_needs_the_token_and_reads_its_fields_strictly(client, auth):
    assert client.post("/v1/refresh", json={}).status_code == 401
    for body, code in (
        ({"now": "yesterday"}, "invalid_field"),
        ({"now": "1999-10-05T09:00:00+09:00"}, "invalid_field"),
        ({"lang": "fr"}, "invalid_field"),
        ({"now": 5}, "invalid_field"),
        ([], "invalid_body"),
    ):
        answer = client.post("/v1/refresh", json=body, headers=auth)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == code, (body, answer.get_json())
    empty = refreshed(client, auth)
    assert empty == {"changed": [], "checked": 0, "action_count": 0, "action_orders": [], "warnings": []}


def test_a_live_event_found_while_a_list_page_is_diagnosed_is_kept(net, client, auth, app):  # noqa: F811
    """The list page recalls the order's parcels from the store; what Cainiao adds to them on that
    diagnosis is written back, so it holds with every provider off afterwards."""
    body = payload_json("cainiao_en.json")
    body["module"][0]["mailNo"] = NUMBER
    net.add(responses.GET, cainiao.URL, json=body)
    seen(client, auth, "tracking/ko_0404")
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": True}}})
    page = request_of(FIXTURES / "order_list/ko_page1.capture.json")
    listed = client.post("/v1/diagnose", json=page, headers=auth).get_json()
    assert {o["order_id"]: o["diagnosis"]["cause"] for o in listed["orders"]}[CUSTOMS] == "handed_over"
    assert len(net.calls) == 1
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": False}}})
    page["captured_at"] = "2026-09-30T11:00:00+09:00"  # not a replay of the first answer
    again = client.post("/v1/diagnose", json=page, headers=auth).get_json()
    assert {o["order_id"]: o["diagnosis"]["cause"] for o in again["orders"]}[CUSTOMS] == "handed_over"
    assert len(net.calls) == 1
