"""Overlays on the order list: one per order, the right cause, kept in step with the SPA."""

import pytest

from . import fake_site
from .harness import card_ids
from .harness import host_count
from .harness import hosts_per_order
from .harness import LIST_URL
from .harness import remembered
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
PAGE2 = [o.order_id for o in fake_site.SCENARIOS["main"][1]]


@pytest.mark.cross_browser
def test_list_page_gets_one_overlay_per_order_with_its_cause(paired):
    page = paired.open(LIST_URL)
    found = wait_for_overlays(page, PAGE1)
    assert found["8215000000000404"]["cause"] == "tracking_not_checked"
    assert found["8215000000000707"]["cause"] == "delivered"
    assert found["8215000000000707"]["severity"] == "ok"
    assert found["8215000000000808"]["cause"] == "not_shipped"
    assert "운송장 정보 없음" in found["8215000000000101"]["text"]
    assert hosts_per_order(page) == {order_id: 1 for order_id in PAGE1}
    # each overlay sits inside its own order's card
    inside = page.evaluate(
        """() => [...document.querySelectorAll('[data-parcel-doctor-order]')].every((h) =>
             h.parentElement.classList.contains('order-item') &&
             h.parentElement.querySelector(`a[href*="${h.dataset.parcelDoctorOrder}"]`))"""
    )
    assert inside


@pytest.mark.cross_browser
def test_more_orders_get_overlays_and_the_rerendered_list_keeps_one_each(paired, companion):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    page.click(".order-more button")
    found = wait_for_overlays(page, PAGE1 + PAGE2)
    assert found["8215000000000909"]["cause"] == "cancelled"
    assert found["8215000000000606"]["cause"] == "refund_eligible"  # day 83: past buyer protection, whatever else is known
    assert found["8215000000000606"]["severity"] == "action"
    # The page re-rendered every card (new nodes): still exactly one overlay per order.
    page.wait_for_timeout(800)
    assert hosts_per_order(page) == {order_id: 1 for order_id in PAGE1 + PAGE2}
    assert page.evaluate("window.__renders") == 2
    # The MAIN-world hook forwarded the page-2 POST response the page loaded itself: the
    # companion remembers page 2's orders with the status code only that JSON carries.
    stored = {o["order_id"] for o in remembered(companion)["orders"]}
    assert set(PAGE2) <= stored, stored


@pytest.mark.cross_browser
def test_tab_switches_keep_overlays_in_step_with_the_cards(paired):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    for tab in ("shipped", "completed", "all"):
        page.click(f'.comet-tabs-nav-item[data-tab="{tab}"]')
        shown = card_ids(page)
        page.wait_for_function(
            "(ids) => { const hosts = [...document.querySelectorAll('[data-parcel-doctor-order]')];"
            " return hosts.length === ids.length && ids.every((id, i) => hosts[i].dataset.parcelDoctorOrder === id); }",
            arg=shown,
        )
        assert hosts_per_order(page) == {order_id: 1 for order_id in shown}
    assert host_count(page) == len(PAGE1)


def test_fifty_orders_all_get_overlays_quickly(paired, capsys):
    """Time from the list's render to the last of 50 overlays, measured in the page."""
    page = paired.context.new_page()
    page.add_init_script(
        """window.__overlaysDoneAt = null;
        new MutationObserver(() => {
          if (window.__overlaysDoneAt === null &&
              document.querySelectorAll('[data-parcel-doctor-order]').length >= 50)
            window.__overlaysDoneAt = performance.now();
        }).observe(document, {childList: true, subtree: true});"""
    )
    page.goto(LIST_URL + "?scenario=fifty")
    ids = [o.order_id for o in fake_site.SCENARIOS["fifty"][0]]
    wait_for_overlays(page, ids)
    page.wait_for_function("window.__overlaysDoneAt !== null")
    elapsed = page.evaluate("window.__overlaysDoneAt - window.__listRenderedAt")
    with capsys.disabled():
        print(f"\n50-order list: overlays complete {elapsed:.0f} ms after the list rendered")
    assert hosts_per_order(page) == {order_id: 1 for order_id in ids}
    assert elapsed < 5000
