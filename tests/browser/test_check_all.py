""""Check all awaiting orders": each awaiting order's tracking page is visited in a background
tab, one at a time, and the list overlays are refreshed from the companion's history."""

import pytest

from . import fake_site
from .harness import LIST_URL
from .harness import overlays
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]


def test_check_all_fills_in_the_list_overlays(paired):
    page = paired.open(LIST_URL)
    before = wait_for_overlays(page, PAGE1)
    awaiting = [i for i, o in before.items() if o["cause"] == "tracking_not_checked"]
    assert len(awaiting) == 3
    popup = paired.open_popup()
    pages_before = len(paired.context.pages)
    opened = []
    paired.context.on("page", lambda p: opened.append(p.url))
    popup.wait_for_selector("#check-all:enabled")
    popup.click("#check-all")
    # (extension pages forbid eval, so wait on selectors, not on functions)
    popup.wait_for_selector('#check-all-progress:not([hidden])[max="3"]')
    popup.wait_for_selector('#check-all-progress[value="3"]', timeout=90000)
    popup.wait_for_selector("#check-all:enabled")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-parcel-doctor-order]')]"
        ".some((h) => h.dataset.parcelDoctorCause === 'tracking_not_checked')",
        timeout=15000,
    )
    after = overlays(page)
    assert after["8215000000000404"]["cause"] == "customs_in_progress"
    assert after["8215000000000505"]["cause"] == "handed_over"
    assert after["8215000000000101"]["cause"] == "in_transit"
    assert after["8215000000000707"]["cause"] == "delivered"
    # one background tab per awaiting order, each closed again
    assert sorted(u.split("tradeOrderId=")[1] for u in opened if "tradeOrderId=" in u) == sorted(awaiting)
    assert len(paired.context.pages) == pages_before
