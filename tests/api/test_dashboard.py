"""``GET /v1/dashboard``: every remembered order, what needs the user first, each parcel's
journey with its dates, and the user's own usual days; ``GET /v1/export`` as the CLI writes it."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest

from companion import journey
from companion.api import dashboard as route
from companion.dates import KST
from companion.models import Event
from tests.conftest import FIXTURES
from tests.parsing.test_fixtures import request_of

TODAY = date(2026, 9, 30)  # the fixtures' capture day
CAPTURES = [
    "order_list/ko_page2",  # every order of the list, 0707 delivered, 0808 not shipped, 0909 cancelled
    "tracking/ko_0404",  # import customs since 09-27
    "tracking/ko_0505",  # handed over to CJ대한통운
    "tracking/ko_0606",  # 70 days silent, protection passed: refund
    "tracking/ko_0707",  # delivered by Hanjin
    "order_detail/ko_0404",
]


@pytest.fixture
def seen(client, auth, monkeypatch):
    """The fixtures diagnosed through the API, then the dashboard as of their capture day."""
    monkeypatch.setattr(route, "now_kst", lambda: __import__("datetime").datetime(2026, 9, 30, 12, tzinfo=KST))
    for name in CAPTURES:
        answer = client.post("/v1/diagnose", json=request_of(FIXTURES / f"{name}.capture.json"), headers=auth)
        assert answer.status_code == 200, answer.get_json()
    reply = client.get("/v1/dashboard", headers=auth)
    assert reply.status_code == 200
    return reply.get_json()


def by_id(seen) -> dict:
    return {o["order_id"]: o for o in seen["orders"]}


def test_every_remembered_order_is_listed_with_what_needs_the_user_first(seen):
    orders = seen["orders"]
    assert len(orders) == seen["summary"]["total"] == 9
    rank = {"action": 0, "wait": 1, "info": 2, "ok": 3}
    # act, then wait, then read, then moving well; delivered and cancelled orders come last
    keys = [(o["diagnosis"]["cause"] in ("delivered", "cancelled"), rank[o["diagnosis"]["severity"]]) for o in orders]
    assert keys == sorted(keys), keys
    assert orders[0]["order_id"] == "8215000000000606" and orders[0]["diagnosis"]["cause"] == "refund_eligible"
    assert seen["summary"]["causes"]["refund_eligible"] == 1
    assert sum(seen["summary"]["causes"].values()) == 9


def test_an_order_says_its_age_item_and_protection_countdown(seen):
    order = by_id(seen)["8215000000000606"]
    assert order["ordered_on"] == "2026-07-10" and order["order_age_days"] == (TODAY - date(2026, 7, 10)).days
    assert order["protection_until"] == "2026-09-10" and order["protection_days_left"] == -20
    assert order["last_event"]["date"] == "2026-07-22"
    assert by_id(seen)["8215000000000101"]["item_title"]  # read from the list's own JSON


def test_the_journey_of_a_handed_over_parcel_has_each_stage_on_its_date(seen):
    parcel = by_id(seen)["8215000000000505"]["parcels"][0]
    stages = {s["stage"]: s for s in parcel["journey"]["stages"]}
    assert [s["stage"] for s in parcel["journey"]["stages"]] == list(journey.STAGES)
    assert stages["paid"]["date"] == "2026-09-10"
    assert stages["customs"]["date"] == "2026-09-23"  # AE_CC_IM_START
    assert stages["domestic"]["date"] == "2026-09-24"  # AE_CC_HO_OUT_SUCCESS: handed over and stages["domestic"]["state"] == "current"
    assert stages["delivered"]["state"] == "ahead" and stages["delivered"]["date"] is None
    assert parcel["journey"]["current"] == "domestic" and parcel["journey"]["days_in_stage"] == 6
    assert parcel["journey"]["usual"] == {"low": 1, "high": 3, "count": 0}  # the documented default
    assert stages["domestic"]["long"]  # 6 days with the courier is longer than usual


def test_a_customs_parcel_counts_its_days_in_customs(seen):
    parcel = by_id(seen)["8215000000000404"]["parcels"][0]
    assert parcel["journey"]["current"] == "customs"
    assert {s["stage"]: s["date"] for s in parcel["journey"]["stages"]}["customs"] == "2026-09-27"
    assert parcel["journey"]["days_in_stage"] == 3


def test_a_delivered_parcel_ends_its_journey_and_feeds_the_usual_days(seen):
    parcel = by_id(seen)["8215000000000707"]["parcels"][0]
    assert parcel["journey"]["current"] == "delivered" and parcel["journey"]["usual"] is None
    assert {s["stage"]: s["date"] for s in parcel["journey"]["stages"]}["delivered"] == "2026-09-03"
    # 0707 (ordered 08-20, delivered 09-03) and 0505's second package (ordered 09-10, delivered
    # 09-28), counted as "주문 N일째" (the order day is day 1)
    [figure] = seen["summary"]["delivery_days"]
    assert figure["method"] == "standard" and figure["count"] == 2
    assert figure["median_days"] == ((date(2026, 9, 3) - date(2026, 8, 20)).days + 1 + (date(2026, 9, 28) - date(2026, 9, 10)).days + 1) / 2
    assert figure["usual"]["basis"] == "default"  # two deliveries are not yet enough to go by


def test_pages_follow_the_same_order(client, auth, seen):
    first = client.get("/v1/dashboard?limit=4", headers=auth).get_json()
    second = client.get(f"/v1/dashboard?limit=4&offset={first['next_offset']}", headers=auth).get_json()
    third = client.get(f"/v1/dashboard?limit=4&offset={second['next_offset']}", headers=auth).get_json()
    assert third["next_offset"] is None
    assert [o["order_id"] for o in first["orders"] + second["orders"] + third["orders"]] == [
        o["order_id"] for o in seen["orders"]
    ]


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=²", "offset=-1", "offset=x", "lang=fr"])
def test_bad_parameters_are_json_errors(client, auth, query):
    reply = client.get(f"/v1/dashboard?{query}", headers=auth)
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == "invalid_field"


def test_the_dashboard_and_the_export_need_the_token(client):
    assert client.get("/v1/dashboard").status_code == 401
    assert client.get("/v1/export").status_code == 401


def test_the_export_is_what_the_cli_writes(client, auth, seen, app):
    from companion.store import export_history
    from companion.store import history

    assert client.get("/v1/export", headers=auth).get_json() == export_history(history(app))


def test_an_unreadable_stored_date_is_unknown_not_an_error(client, auth, seen, app):
    from companion.store import history

    with history(app).connect() as conn:
        conn.execute("UPDATE orders SET ordered_on = 'not a date', protection_until = 'x' WHERE order_id = '8215000000000606'")
        conn.execute("UPDATE events SET time = 'garbage' WHERE order_id = '8215000000000606'")
    reply = client.get("/v1/dashboard", headers=auth)
    assert reply.status_code == 200
    order = by_id(reply.get_json())["8215000000000606"]
    assert order["ordered_on"] is None and order["order_age_days"] is None and order["protection_until"] is None


def test_usual_days_come_from_the_users_own_deliveries_once_there_are_three():
    def delivered(customs_days: int) -> dict:
        start = date(2026, 9, 1)
        return {"customs": start, "domestic": start + timedelta(days=customs_days), "delivered": start + timedelta(days=9)}

    two = journey.usual_days([delivered(2), delivered(4)])
    assert two["customs"].count == 0 and (two["customs"].low, two["customs"].high) == (1, 3)
    mine = journey.usual_days([delivered(2), delivered(4), delivered(5), delivered(6)])
    assert mine["customs"].count == 4 and mine["customs"].low >= 2 and mine["customs"].high <= 6


def test_stage_dates_take_the_first_event_of_each_stage_in_seoul():
    from datetime import datetime

    events = [
        Event(time=datetime(2026, 9, 26, 16, 0, tzinfo=KST) - timedelta(hours=9), text="a", milestone="import_customs"),
        Event(time=datetime(2026, 9, 28, 10, 0, tzinfo=KST), text="b", milestone="import_customs_done"),
        Event(time=None, first_seen=datetime(2026, 9, 29, 10, 0, tzinfo=KST), text="c", milestone="handover"),
        Event(time=datetime(2026, 9, 20, 10, 0, tzinfo=KST), text="d", milestone="no_info"),
    ]
    reached = journey.stage_dates(date(2026, 9, 10), events)
    assert reached == {"paid": date(2026, 9, 10), "customs": date(2026, 9, 26), "domestic": date(2026, 9, 29)}


def test_every_milestone_of_the_journey_is_one_the_vocabulary_knows():
    from companion import milestones

    known = set(milestones.MILESTONES)
    assert set(journey.STAGE_OF_MILESTONE) <= known
    # not stages of the journey: nothing known yet, and the ways a journey goes wrong
    assert known - set(journey.STAGE_OF_MILESTONE) == {"no_info", "delivery_failed", "returned"}
