"""The dashboard page, in real Chromium against the real companion, after real captures were
diagnosed (the list, a detail page, tracking pages with a hand-over, customs and a refund):
its rows and their order, each journey's stages and dates, search, forget, and the offline state."""

from __future__ import annotations

import json
import urllib.request

import pytest

from companion.security import Credentials

from .harness import TIMEOUT_MS
from .harness import shadow_roots
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

AE = "https://www.aliexpress.com"
LIST = f"{AE}/p/order/index.html"
DETAIL = AE + "/p/order/detail.html?orderId={}"
TRACKING = AE + "/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId={}"
RANK = {"action": 0, "wait": 1, "info": 2, "ok": 3}


def api(companion, path: str) -> dict:
    """The companion's own answer, to hold the page to it."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{companion.port}/v1{path}",
        headers={"Authorization": f"Bearer {Credentials(companion.data_dir).token()}"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def diagnose_real_pages(browser):
    """The pages a shopper opens: the list, then tracking and detail pages."""
    page = browser.open(LIST)
    wait_for_overlays(page, ["8215000000000101", "8215000000000707"])
    for order_id in ("8215000000000404", "8215000000000505", "8215000000000606"):
        page.goto(TRACKING.format(order_id))
        wait_for_overlays(page, [order_id])
    page.goto(DETAIL.format("8215000000000707"))
    wait_for_overlays(page, ["8215000000000707"])
    page.close()


def open_dashboard(browser):
    page = browser.context.new_page()
    page.goto(browser.url("dashboard/dashboard.html"))
    page.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
    return page


def rows(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-parcel-doctor-dashboard-order]')].map((row) => ({
             id: row.dataset.parcelDoctorDashboardOrder, cause: row.dataset.cause,
             severity: row.dataset.severity, text: row.textContent}))"""
    )


def marks(page, number: str) -> dict[str, dict]:
    return page.evaluate(
        """(number) => Object.fromEntries([...document.querySelector(
             `[data-parcel-doctor-timeline="${number}"]`).querySelectorAll('[data-stage]')].map((m) =>
             [m.dataset.stage, {date: m.dataset.date || null, state: m.dataset.state}]))""",
        number,
    )


def test_the_dashboard_shows_every_order_what_needs_me_first_and_each_journey(paired, companion):
    diagnose_real_pages(paired)
    expected = api(companion, "/dashboard")
    page = open_dashboard(paired)
    shown = rows(page)

    # every remembered order, in the companion's order: what needs the user first
    assert [r["id"] for r in shown] == [o["order_id"] for o in expected["orders"]]
    assert len(shown) == 6  # page 1 of the list (5) and 0606, whose tracking page was opened
    # act, then wait, then read, then moving well; a delivered order needs nothing and comes last
    keys = [(r["cause"] in ("delivered", "cancelled"), RANK[r["severity"]]) for r in shown]
    assert keys == sorted(keys), keys
    causes = {r["id"]: r["cause"] for r in shown}
    assert causes == {o["order_id"]: o["diagnosis"]["cause"] for o in expected["orders"]}
    assert causes["8215000000000404"] == "customs_in_progress"
    assert causes["8215000000000505"] == "handed_over"
    assert causes["8215000000000707"] == "delivered"
    assert shown[-1]["severity"] == "ok" and shown[-1]["id"] == "8215000000000707"

    # a row says its item, its age and its next step, and the severity in words, not colour alone
    row = next(r for r in shown if r["id"] == "8215000000000404")
    assert "블루투스 이어폰" in row["text"] and "주문 15일째" in row["text"]
    assert "기다리는 중" in row["text"]

    # the hand-over parcel's journey: each reached stage on its real date, the courier stage current
    by_id = {o["order_id"]: o for o in expected["orders"]}
    journey = by_id["8215000000000505"]["parcels"][0]["journey"]
    drawn = marks(page, "SWX900000000000000505")
    assert list(drawn) == ["paid", "shipped", "departed", "arrived", "customs", "domestic", "delivered"]
    assert {stage: mark["date"] for stage, mark in drawn.items()} == {s["stage"]: s["date"] for s in journey["stages"]}
    assert drawn["domestic"]["state"] == "current" and drawn["delivered"]["date"] is None
    assert drawn["customs"]["date"] and drawn["paid"]["date"]
    caption = page.locator('[data-parcel-doctor-timeline="SWX900000000000000505"] .caption').text_content()
    assert caption.startswith("국내 택배 ") and "일째" in caption and "보통" in caption

    # the customs parcel says how long it has been in customs
    customs = page.locator('[data-parcel-doctor-timeline="SWX900000000000000404"] .caption').text_content()
    assert customs.startswith("통관 ") and "보통 1–3일" in customs

    # counts by cause at the top filter the list
    page.click('#cause-counts [data-cause="handed_over"]')
    assert [r["id"] for r in rows(page)] == ["8215000000000505"]
    page.click('#cause-counts [data-cause="handed_over"]')
    assert len(rows(page)) == 6

    # the user's own days to delivery by shipping method, each with what it rests on
    figures = page.locator("#usual-days li")
    assert [figures.nth(i).get_attribute("data-method") for i in range(figures.count())] == [
        f["method"] for f in expected["summary"]["delivery_days"]
    ]
    for i, figure in enumerate(expected["summary"]["delivery_days"]):
        assert f"내 기록 {figure['count']}건 기준" in figures.nth(i).text_content()


def test_search_finds_an_order_by_its_id_or_any_tracking_number(paired):
    diagnose_real_pages(paired)
    page = open_dashboard(paired)
    page.fill("#search", "561000000505")  # the CJ대한통운 number, not the international one
    assert [r["id"] for r in rows(page)] == ["8215000000000505"]
    page.fill("#search", "8215000000000404")
    assert [r["id"] for r in rows(page)] == ["8215000000000404"]
    page.fill("#search", "")
    assert len(rows(page)) == 6


def test_forget_asks_first_and_the_companion_forgets(paired, companion):
    diagnose_real_pages(paired)
    page = open_dashboard(paired)
    forget = page.locator('[data-parcel-doctor-dashboard-order="8215000000000707"] button.forget')
    page.once("dialog", lambda dialog: dialog.dismiss())
    forget.click()
    assert "8215000000000707" in [r["id"] for r in rows(page)]
    page.once("dialog", lambda dialog: dialog.accept())
    forget.click()
    page.wait_for_selector('[data-parcel-doctor-dashboard-order="8215000000000707"]', state="detached")
    assert "8215000000000707" not in [o["order_id"] for o in api(companion, "/dashboard")["orders"]]


def test_the_popup_and_each_overlay_open_the_dashboard(paired):
    diagnose_real_pages(paired)
    popup = paired.open_popup()
    with paired.context.expect_page() as opened:
        popup.click("#open-dashboard")
    dashboard = opened.value
    dashboard.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
    assert dashboard.url.endswith("/dashboard/dashboard.html")

    page = paired.open(TRACKING.format("8215000000000404"))
    wait_for_overlays(page, ["8215000000000404"])
    with paired.context.expect_page() as opened:
        # the overlay's shadow root is closed: the click goes through the harness
        shadow_roots(page, '[data-parcel-doctor-order="8215000000000404"]', "(host, root) => root.querySelector('.pd-dashboard').click()")
    focused = opened.value
    focused.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
    assert focused.url.endswith("#order=8215000000000404")
    assert [r["id"] for r in rows(focused)] == ["8215000000000404"]


def test_with_the_companion_off_the_dashboard_says_how_to_start_it(paired, companion):
    companion.stop()
    page = open_dashboard(paired)
    state = page.locator("#state")
    assert state.get_attribute("data-state") == "offline"
    assert "도우미가 꺼져 있어요" in state.text_content()
    assert rows(page) == []
