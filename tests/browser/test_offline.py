"""Without the companion: one quiet notice with the start command, and overlays appear by
themselves once it answers. Unpaired: a notice that says to pair."""

import pytest

from . import fake_site
from .harness import host_count
from .harness import LIST_URL
from .harness import shadow_roots
from .harness import shadow_text
from .harness import wait_for_overlays

pytestmark = [pytest.mark.browser, pytest.mark.cross_browser]

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
NOTICE = "parcel-doctor-notice"


def notice_text(page) -> str:
    return shadow_text(page, NOTICE)


def test_offline_notice_then_overlays_once_the_companion_starts(paired, companion):
    companion.stop()  # it comes back below on the same port and data dir, so the same token
    page = paired.open(LIST_URL)
    page.wait_for_selector(f'{NOTICE}[data-parcel-doctor-notice="offline"]', state="attached")
    assert "parcel-doctor serve" in notice_text(page) and "parcel-doctor autostart enable" in notice_text(page)
    [link] = shadow_roots(page, NOTICE, "(host, root) => root.querySelector('a').href")
    assert link == "https://pypi.org/project/parcel-doctor/#description"
    assert page.evaluate(f"document.querySelectorAll('{NOTICE}').length") == 1
    assert host_count(page) == 0
    # the page itself still works
    page.click('.comet-tabs-nav-item[data-tab="completed"]')
    page.click('.comet-tabs-nav-item[data-tab="all"]')
    assert page.evaluate("document.querySelectorAll('.order-item').length") == len(PAGE1)

    companion.start()
    wait_for_overlays(page, PAGE1, timeout=30000)
    page.wait_for_selector(NOTICE, state="detached")
    assert host_count(page) == len(PAGE1)


def test_unpaired_notice_asks_to_pair(browser, companion):
    companion.start()
    browser.set_storage({"port": companion.port})
    page = browser.open(LIST_URL)
    page.wait_for_selector(f'{NOTICE}[data-parcel-doctor-notice="unpaired"]', state="attached")
    assert "연결 코드" in notice_text(page)
    assert host_count(page) == 0
    # pairing in the popup brings the overlays without reloading the page
    browser.pair(companion)
    wait_for_overlays(page, PAGE1)
    page.wait_for_selector(NOTICE, state="detached")
