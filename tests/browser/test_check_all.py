""""Check all awaiting orders": each awaiting order's tracking page is visited in a background
tab, one at a time, and the list overlays are refreshed from the companion's history."""

import pytest

from . import fake_site
from .harness import LIST_URL
from .harness import overlays
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
    # one background tab per awaiting order (the fake site served each tracking page once), each
    # closed again
    visits = [p for p in site.served[served_before:] if p.startswith("/p/tracking/index.html")]
    assert sorted(p.split("tradeOrderId=")[1] for p in visits) == sorted(awaiting)
    assert paired.tab_count() == tabs_before
