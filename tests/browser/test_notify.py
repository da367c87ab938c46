""""변경 알림 받기": the popup's switch, the background re-check the alarm runs (fired by hand
from the service worker), one notification per order per change, the toolbar count, the quiet
hours, and nothing at all with the switch off or the companion off.

The companion runs in this process (our own Flask app on waitress, as `serve` runs it), so that
its clock can be set to a later day (a time-based change) and ``responses`` can stand in for
Cainiao (a cause change found by a live lookup): no test reaches the internet.

Chromium is launched with a copy of the extension whose manifest lists "alarms" and
"notifications" as granted permissions: headless Chromium cannot answer the optional-permission
prompt the real manifest leads to (it stays pending forever), while for permissions already
granted the popup's own chrome.permissions.request() answers true at once, so the switch's click
path runs unchanged. That the shipped manifest asks for them only as optional permissions is
checked below without a browser.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
import requests
import responses

from companion import dates
from companion.dates import KST
from companion.lookups import cainiao
from companion.lookups import settings as lookup_settings
from companion.security import Credentials
from tests.conftest import FIXTURES
from tests.lookups.conftest import payload_json
from tests.parsing.test_fixtures import request_of
from tests.server import InProcessCompanion

from . import fake_site
from .harness import granted
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

ORDER, NUMBER = "8215000000000404", "SWX900000000000000404"  # import customs since 09-27
TRACKING = "https://www.aliexpress.com/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId={}"
CUSTOMS_PAGE = FIXTURES / "tracking" / "ko_0404.capture.json"  # captured 09-30
ALARM = "parcel-doctor-recheck"
NO_QUIET = {"quietFrom": 0, "quietTo": 0}  # equal hours: no quiet period
HOLD = {"id": f"parcel-doctor:{ORDER}:customs_hold", "title": "통관이 보류됐어요", "message": f"주문 {ORDER}: UNI-PASS에서 통관 상태를 확인해 주세요."}


def seen(companion: InProcessCompanion, capture: Path) -> None:
    """The page diagnosed as the extension would send it (so the store holds its cause)."""
    auth = {"Authorization": f"Bearer {Credentials(companion.data_dir).token()}"}
    answer = requests.post(f"http://127.0.0.1:{companion.port}/v1/diagnose", json=request_of(capture), headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def module_browser(playwright_instance, chromium_path, site, tmp_path_factory):
    """Chromium with the extension's copy that has the two permissions granted at install."""
    yield from granted(playwright_instance, chromium_path, site, tmp_path_factory.mktemp("notify"), "optional_permissions")


@pytest.fixture
def clean(browser):
    """No alarm, notification or badge left from an earlier test (storage is reset by `browser`)."""
    browser.worker.evaluate(
        """async () => {
            await chrome.alarms.clearAll();
            for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
            await chrome.action.setBadgeText({text: ""});
        }"""
    )
    yield browser


@pytest.fixture
def on_day(monkeypatch):
    """The companion's clock set to a day in Seoul (what POST /v1/refresh takes as "now")."""

    def set_day(text: str) -> None:
        moment = datetime.fromisoformat(text).astimezone(KST)
        monkeypatch.setattr(dates, "now_kst", lambda: moment)

    return set_day


@pytest.fixture
def companion_here(tmp_path):
    running = InProcessCompanion(tmp_path / "data").start()  # its app owns a fresh lookups service
    yield running
    running.stop()


def switch_on(browser, quiet=NO_QUIET) -> None:
    """The popup's switch, clicked (the re-check it runs at once finds nothing yet)."""
    browser.set_storage({"notifySettings": {"enabled": False, **quiet}})
    popup = browser.open_popup()
    popup.wait_for_selector("body[data-ready=true]")
    assert popup.is_checked("#notify-enabled") is False  # off by default
    popup.click("#notify-enabled")
    popup.wait_for_selector("#notify-result:not(:empty)")
    assert popup.text_content("#notify-result") in ("알림을 켰어요.", "Notifications are on."), popup.text_content("#notify-result")
    assert popup.is_checked("#notify-enabled")
    popup.close()
    alarm = browser.worker.evaluate(f"chrome.alarms.get('{ALARM}')")
    # the next re-check in 6 hours, give or take 30 minutes
    hours = (alarm["scheduledTime"] / 1000 - datetime.now(timezone.utc).timestamp()) / 3600
    assert 5.4 < hours < 6.6, hours


def recheck(browser) -> dict:
    """What the alarm runs, by hand."""
    return browser.worker.evaluate("ParcelDoctor.recheck()")


def notifications(browser) -> dict:
    return browser.worker.evaluate("chrome.notifications.getAll()")


def badge(browser) -> str:
    return browser.worker.evaluate("chrome.action.getBadgeText({})")


def test_a_later_day_notifies_a_customs_hold_once_and_counts_it(clean, companion_here, on_day):
    browser = clean
    browser.pair(companion_here)
    switch_on(browser)
    assert notifications(browser) == {}
    seen(companion_here, CUSTOMS_PAGE)  # customs_in_progress on 09-30
    on_day("2026-10-05T09:00:00+09:00")  # customs for 9 days now: a hold
    assert recheck(browser) == {"ok": True, "notified": [HOLD], "held": []}
    shown = notifications(browser)
    assert list(shown) == [f"parcel-doctor:{ORDER}:customs_hold"], shown
    assert badge(browser) == "1"
    stored = browser.storage()
    assert stored["notifyDone"] == [f"{ORDER}:customs_hold"] and stored["actionOrders"] == [ORDER]
    # The same change again (the page seen once more on 09-30, then the later day): no second one.
    browser.worker.evaluate(f"chrome.notifications.clear('parcel-doctor:{ORDER}:customs_hold')")
    on_day("2026-09-30T12:00:00+09:00")
    seen(companion_here, CUSTOMS_PAGE)
    on_day("2026-10-05T09:00:00+09:00")
    assert recheck(browser) == {"ok": True, "notified": [], "held": []}
    assert notifications(browser) == {}
    assert badge(browser) == "1"


def test_english_words_and_a_click_that_opens_the_tracking_page(clean, companion_here, on_day):
    browser = clean
    browser.pair(companion_here)
    browser.set_storage({"lang": "en"})
    switch_on(browser)
    seen(companion_here, CUSTOMS_PAGE)
    on_day("2026-10-05T09:00:00+09:00")
    assert recheck(browser)["notified"] == [
        {"id": f"parcel-doctor:{ORDER}:customs_hold", "title": "Held in customs", "message": f"Order {ORDER}: check its customs status on UNI-PASS."}
    ]
    with browser.context.expect_page() as opened:
        browser.worker.evaluate(f"ParcelDoctor.notificationClicked('parcel-doctor:{ORDER}:customs_hold')")
    assert opened.value.url.startswith("https://www.aliexpress.com/p/tracking/index.html") and ORDER in opened.value.url
    assert notifications(browser) == {}  # the clicked one is gone


def test_a_live_hand_over_is_notified_with_the_new_number(clean, companion_here, on_day):
    browser = clean
    body = payload_json("cainiao_en.json")
    body["module"][0]["mailNo"] = NUMBER
    with responses.RequestsMock(assert_all_requests_are_fired=True) as fake:
        fake.add_passthru("http://127.0.0.1")
        fake.add(responses.GET, cainiao.URL, json=body)
        browser.pair(companion_here)
        switch_on(browser)
        seen(companion_here, CUSTOMS_PAGE)  # the page alone: customs_in_progress
        lookup_settings.update(companion_here.data_dir, {"providers": {"cainiao": {"enabled": True}}})
        on_day("2026-09-30T18:00:00+09:00")
        found = recheck(browser)
        companion_here.drain()
    assert found["notified"] == [
        {"id": f"parcel-doctor:{ORDER}:handed_over:561000000505", "title": "국내 택배사로 넘어갔어요",
         "message": f"주문 {ORDER}: 새 운송장 번호 561000000505로 조회할 수 있어요."}
    ]
    shown = notifications(browser)
    assert list(shown) == [f"parcel-doctor:{ORDER}:handed_over:561000000505"], shown
    assert badge(browser) == ""  # handed over needs no action


def test_quiet_hours_hold_notifications_until_morning(clean, companion_here, on_day):
    browser = clean
    browser.pair(companion_here)
    hour = datetime.now(KST).hour
    quiet = {"quietFrom": (hour - 1) % 24, "quietTo": (hour + 2) % 24}  # now, in Seoul, is quiet
    switch_on(browser, quiet)
    seen(companion_here, CUSTOMS_PAGE)
    on_day("2026-10-05T09:00:00+09:00")
    assert recheck(browser) == {"ok": True, "notified": [], "held": [HOLD]}
    assert notifications(browser) == {}
    assert [n["id"] for n in browser.storage()["notifyQueue"]] == [f"parcel-doctor:{ORDER}:customs_hold"]
    assert badge(browser) == "1"  # the count is no notification: it is there at night too
    # morning: the next alarm shows what was held, once
    browser.set_storage({"notifySettings": {"enabled": True, **NO_QUIET}})
    assert recheck(browser) == {"ok": True, "notified": [], "held": []}
    assert list(notifications(browser)) == [f"parcel-doctor:{ORDER}:customs_hold"]
    assert "notifyQueue" not in browser.storage()


def test_with_the_switch_off_nothing_is_asked_or_shown(clean, companion_here, on_day):
    browser = clean
    browser.pair(companion_here)
    seen(companion_here, CUSTOMS_PAGE)
    on_day("2026-10-05T09:00:00+09:00")
    assert recheck(browser) == {"ok": False, "reason": "off"}
    assert notifications(browser) == {}
    assert browser.worker.evaluate(f"chrome.alarms.get('{ALARM}')") is None
    # on, then off again: the alarm goes, and a re-check does nothing
    switch_on(browser)
    popup = browser.open_popup()
    popup.wait_for_selector("body[data-ready=true]")
    popup.click("#notify-enabled")
    popup.wait_for_selector("#notify-result:not(:empty)")
    assert popup.text_content("#notify-result") == "알림을 껐어요."
    popup.close()
    assert browser.worker.evaluate(f"chrome.alarms.get('{ALARM}')") is None
    browser.worker.evaluate("(async () => { for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id); })()")
    assert recheck(browser) == {"ok": False, "reason": "off"}
    assert notifications(browser) == {}


def test_with_the_companion_off_the_alarm_shows_nothing_and_tries_again(clean, companion_here, on_day):
    browser = clean
    browser.pair(companion_here)
    switch_on(browser)
    seen(companion_here, CUSTOMS_PAGE)
    companion_here.stop()
    assert recheck(browser) == {"ok": False, "reason": "offline"}
    assert notifications(browser) == {}
    assert browser.worker.evaluate(f"chrome.alarms.get('{ALARM}')") is not None  # the next try stays set


def test_a_capture_updates_the_toolbar_count(clean, paired):
    """The diagnose handler counts the page's orders that need action (switch on or off): one
    that does joins the count, one that no longer does leaves it."""
    browser = paired
    browser.set_storage({"actionOrders": ["8215000000000404", "8215000000000999"]})
    page = browser.open(TRACKING.format("8215000000000404"))  # the fake site's: two days in customs
    assert wait_for_overlays(page, ["8215000000000404"])["8215000000000404"]["severity"] == "wait"
    assert browser.storage()["actionOrders"] == ["8215000000000999"]
    assert badge(browser) == "1"
    # The recorded tracking page of 0606, seen today: 70 days without news, protection over.
    capture = fake_site.fixture_capture("tracking/ko_0606")
    page = browser.open(capture["url"] + "&fixture=tracking/ko_0606")
    assert wait_for_overlays(page, ["8215000000000606"])["8215000000000606"]["severity"] == "action"
    assert sorted(browser.storage()["actionOrders"]) == ["8215000000000606", "8215000000000999"]
    assert badge(browser) == "2"
