""""Check all awaiting orders": each awaiting order's tracking page is visited in a background
tab, one at a time, and the list overlays are refreshed from the companion's history."""

import time

import pytest

from . import fake_site
from .harness import LIST_URL
from .harness import overlays
from .harness import wait_until_all_checked
from .harness import wait_for_overlays

pytestmark = [pytest.mark.browser, pytest.mark.cross_browser]

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]


def test_check_all_fills_in_the_list_overlays(paired, site):
    page = paired.open(LIST_URL)
    before = wait_for_overlays(page, PAGE1)
    awaiting = [i for i, o in before.items() if o["cause"] == "tracking_not_checked"]
    assert len(awaiting) == 3
    popup = paired.open_popup()
    tabs_before = paired.tab_count()
    served_before = len(site.served)
    popup.wait_for_selector("#check-all:enabled")
    popup.click("#check-all")
    # (extension pages forbid eval, so wait on selectors, not on functions)
    popup.wait_for_selector('#check-all-progress:not([hidden])[max="3"]')
    after = checked(popup, page)
    assert after["8215000000000404"]["cause"] == "customs_in_progress"
    assert after["8215000000000505"]["cause"] == "handed_over"
    assert after["8215000000000101"]["cause"] == "in_transit"
    assert after["8215000000000707"]["cause"] == "delivered"
    # one background tab per awaiting order (the fake site served each tracking page once), each
    # closed again
    visits = [p for p in site.served[served_before:] if p.startswith("/p/tracking/index.html")]
    assert sorted(p.split("tradeOrderId=")[1] for p in visits) == sorted(awaiting)
    assert paired.tab_count() == tabs_before


def checked(popup, page) -> dict:
    """Waits until the popup shows all three orders checked and the list has no order left
    unchecked; the list's overlays then."""
    popup.wait_for_selector('#check-all-progress[value="3"]', timeout=90000)
    popup.wait_for_selector("#check-all:enabled")
    wait_until_all_checked(page)
    return overlays(page)


def saved_job(popup) -> dict:
    """The job as the service worker saved it (the popup is an extension page: it may read it)."""
    return popup.evaluate("chrome.storage.session.get('checkAll').then((s) => s.checkAll || null)")


def stop_service_workers(browser, page) -> None:
    """Stops the extension's service worker as Chrome does when it deems it idle (DevTools'
    ServiceWorker.stopAllWorkers, through an extension page), and waits until it has stopped."""
    cdp = browser.context.new_cdp_session(page)
    states = []
    cdp.on("ServiceWorker.workerVersionUpdated",
           lambda event: states.extend(v["runningStatus"] for v in event["versions"]))
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    deadline = time.monotonic() + 10
    while "stopped" not in states and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    cdp.detach()
    assert "stopped" in states, f"the service worker did not stop: {states}"


@pytest.mark.parametrize("browser_name", ["chromium"], scope="module")
def test_check_all_finishes_when_the_service_worker_is_stopped_mid_job(paired):
    """Chromium only: Firefox runs the background as an event page, which has no stopAllWorkers."""
    page = paired.open(LIST_URL)
    before = wait_for_overlays(page, PAGE1)
    awaiting = [i for i, o in before.items() if o["cause"] == "tracking_not_checked"]
    assert len(awaiting) == 3
    popup = paired.open_popup()
    opened = []
    paired.context.on("page", lambda p: opened.append(p.url))
    pages_before = len(paired.context.pages)
    popup.wait_for_selector("#check-all:enabled")
    popup.click("#check-all")
    popup.wait_for_selector('#check-all-progress:not([hidden])[max="3"]')
    # Stop the worker twice: while it waits on the first tab, and again on the second.
    for done in (0, 1):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = saved_job(popup)
            if job and job["done"] == done and job["tabId"] is not None:
                break
            popup.wait_for_timeout(50)
        else:
            pytest.fail(f"the job never opened order {done + 1}: {saved_job(popup)}")
        stop_service_workers(paired, popup)
    after = checked(popup, page)
    job = saved_job(popup)
    assert (job["running"], job["done"], job["failed"], job["queue"]) == (False, 3, 0, [])
    assert after["8215000000000404"]["cause"] == "customs_in_progress"
    assert after["8215000000000505"]["cause"] == "handed_over"
    # each awaiting order was opened once, and every tab was closed again
    assert sorted(u.split("tradeOrderId=")[1] for u in opened if "tradeOrderId=" in u) == sorted(awaiting)
    assert len(paired.context.pages) == pages_before
