"""What a shopper reads on the page and in the popup (issue 10): the order's age, small badges
for finished orders, check-all on the list itself, codes only behind "자세히", a copy button
per number, no sentence twice, the last diagnosis kept while the companion is off, a popup
that fits, and 17TRACK in the chosen language."""

import re

import pytest

from . import fake_site
from .harness import LIST_URL
from .harness import overlays
from .harness import shadow_roots
from .harness import wait_for_overlays
from .harness import wait_for_shadow
from .harness import wait_until_all_checked

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
TRACKING = "https://www.aliexpress.com/p/tracking/index.html?_addShare=no&_login=yes&tradeOrderId={}"
BUTTON = "parcel-doctor-check-all"


def shadow(page, selector: str, script: str):
    """Runs script(root) on the (closed) shadow root of the first element matching selector."""
    return shadow_roots(page, selector, f"(host, root) => ({script})(root)")[0]


def test_list_shows_the_age_small_badges_and_its_own_check_all_button(paired):
    page = paired.open(LIST_URL)
    found = wait_for_overlays(page, PAGE1)
    assert re.search(r"주문 \d+일째 · 보통 \d+–\d+일", found["8215000000000101"]["text"]), found["8215000000000101"]["text"]
    delivered = '[data-parcel-doctor-order="8215000000000707"]'
    assert shadow(page, delivered, "(r) => !!r.querySelector('.pd-small') && !r.querySelector('.pd-actions')")
    # The page's own button has the popup's words, and the overlays' advice names it.
    page.wait_for_selector(BUTTON, state="attached")
    awaiting = [i for i, o in found.items() if o["cause"] == "tracking_not_checked"]
    label = shadow(page, BUTTON, "(r) => r.querySelector('button').textContent")
    assert label == f"배송 대기 주문 모두 확인 ({len(awaiting)}건)"
    hover = shadow(page, f'[data-parcel-doctor-order="{awaiting[0]}"]', "(r) => r.querySelector('.pd-badge').title")
    assert "'배송 대기 주문 모두 확인'" in hover
    popup = paired.open_popup()
    popup.wait_for_selector("#check-all:enabled")
    assert popup.text_content("#check-all") == label
    popup.close()
    shadow(page, BUTTON, "(r) => r.querySelector('button').click()")
    wait_for_shadow(
        page,
        BUTTON,
        f"(h, r) => /{len(awaiting)}건 중 {len(awaiting)}건을 확인했어요/.test(r.textContent)",
        timeout=90000,
    )
    wait_until_all_checked(page)
    assert overlays(page)["8215000000000404"]["cause"] == "customs_in_progress"


def test_tracking_panel_codes_behind_details_copy_buttons_and_no_sentence_twice(paired):
    paired.context.grant_permissions(["clipboard-read", "clipboard-write"], origin="https://www.aliexpress.com")
    order_id = "8215000000000404"
    page = paired.open(TRACKING.format(order_id))
    wait_for_overlays(page, [order_id])
    host = f'[data-parcel-doctor-order="{order_id}"]'
    outside = shadow(page, host, "(r) => { const c = r.firstElementChild.cloneNode(true); c.querySelectorAll('details').forEach((d) => d.remove()); return c.textContent; }")
    folded = shadow(page, host, "(r) => [r.querySelector('details summary').textContent, r.querySelector('details').open, r.querySelector('details ul').textContent]")
    assert folded[0] == "자세히" and folded[1] is False and "AE_CC_IM_START" in folded[2]
    assert "AE_" not in outside and "last event" not in outside and "진단 근거" in outside
    assert outside.count("기다려 보세요") == 1, outside
    assert len(re.findall(r"통관 \d+일째", outside)) == 1, outside
    number = "SWX900000000000000404"
    assert shadow(page, host, f"(r) => r.querySelectorAll('button[data-copy=\"{number}\"]').length") == 1
    shadow(page, host, "(r) => r.querySelector('button[data-copy]').click()")
    wait_for_shadow(page, host, "(h, r) => r.querySelector('button[data-copy]').textContent === '복사했어요'")
    assert page.evaluate("navigator.clipboard.readText()") == number


def test_a_delivered_panel_shows_its_number_once(paired):
    order_id = "8215000000000707"
    page = paired.open(TRACKING.format(order_id))
    found = wait_for_overlays(page, [order_id])[order_id]
    assert found["cause"] == "delivered"
    parcels = shadow(page, f'[data-parcel-doctor-order="{order_id}"]', "(r) => r.querySelector('.pd-parcels').textContent")
    numbers = re.findall(r"\d{10,}", parcels)
    assert numbers and len(numbers) == len(set(numbers)), parcels


def test_popup_fits_and_offline_keeps_each_orders_last_diagnosis_greyed(paired, companion):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    popup = paired.open_popup()
    popup.wait_for_selector("#lookups-fold", state="attached")
    height = popup.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    unfolded = popup.evaluate("document.getElementById('lookups-fold').open = true, Math.ceil(document.body.getBoundingClientRect().height)")
    print(f"popup height: {height} px folded, {unfolded} px with the live lookups open")
    assert height <= 600 < unfolded, (height, unfolded)
    popup.close()
    page.close()
    assert set(PAGE1) <= set(paired.storage()["keptDiagnoses"])

    companion.stop()
    popup = paired.open_popup()
    popup.wait_for_selector('#companion-status[data-state="offline"]')
    assert popup.text_content("#status-text") == "도우미가 꺼져 있어요 — 켜는 법"
    assert popup.is_hidden("#pairing-section")
    assert popup.is_visible("#start-hint")
    popup.close()

    page = paired.open(LIST_URL)
    kept = wait_for_overlays(page, PAGE1, timeout=30000)
    for order_id in PAGE1:
        assert re.search(r"마지막 확인: \d+월 \d+일", kept[order_id]["text"]), kept[order_id]["text"]
        assert shadow(page, f'[data-parcel-doctor-order="{order_id}"]', "(r) => !!r.querySelector('.pd-stale')")


def test_17track_opens_in_english_when_english_is_chosen(paired):
    popup = paired.open_popup()
    popup.select_option("#lang", "en")
    popup.wait_for_selector("html[lang=en]", state="attached")
    popup.close()
    order_id = "8215000000000101"
    page = paired.open(TRACKING.format(order_id))
    found = wait_for_overlays(page, [order_id])[order_id]
    assert any(link.startswith("https://t.17track.net/en#nums=") for link in found["links"]), found["links"]
    assert "주문" not in found["text"] and "Day " in found["text"]
