"""The extension keeps every link the companion builds: its allow-list and tracker templates
are the companion's own (common/generated.js), so no courier button is dropped on the way."""

import pytest

from companion import links
from companion import numbers

pytestmark = pytest.mark.browser

NUMBER = "123412341234"


def companion_urls() -> list[str]:
    """Every URL the companion can put on a button: each carrier's page and each links.json entry."""
    urls = [c.tracking_url(NUMBER) for c in numbers.all_carriers() if c.tracking_url_template]
    urls += [links.link(name, number=NUMBER, order_id="8215000000000101", year="2026").url
             for name in ("17track", "cainiao", "aliexpress_tracking", "aliexpress_detail", "seller", "dispute",
                          "unipass_cargo", "unipass_pccc")]
    return urls


def test_every_link_the_companion_builds_is_kept(browser):
    popup = browser.open_popup()
    urls = companion_urls()
    assert any("www.cvsnet.co.kr" in u for u in urls) and any("www.yuntrack.com" in u for u in urls)
    kept = popup.evaluate("(urls) => urls.map((u) => globalThis.ParcelDoctor.links.safeUrl(u))", urls)
    assert dict(zip(urls, kept)) == {u: u for u in urls}


def test_courier_buttons_for_cvsnet_and_yuntrack_are_shown(browser):
    actions = links.courier("kr.cvsnet", NUMBER) + links.courier("yunexpress", NUMBER)
    order = {
        "order_id": "8215000000009998", "status": "awaiting_delivery", "parcels": [],
        "diagnosis": {"cause": "in_transit", "severity": "ok", "title": "배송 중", "explanation": "",
                      "evidence": [], "actions": [{"kind": a.kind, "label": a.label_ko, "url": a.url} for a in actions]},
    }
    popup = browser.open_popup()
    for path in ("common/links.js", "common/format.js", "content/dom.js", "content/styles.js", "content/badge.js"):
        popup.add_script_tag(url=f"../{path}")
    shown = popup.evaluate(
        """async (order) => {
            const PD = globalThis.ParcelDoctor;
            const strings = await PD.strings.load('ko');
            const view = PD.badge.view(order, {strings, lang: 'ko', capturedAt: '2026-09-29T10:00:00+09:00', full: true});
            return [...view.querySelectorAll('a')].map((a) => a.href);
        }""",
        order,
    )
    assert shown == [a.url for a in actions]
    assert [u.split("/")[2] for u in shown] == ["www.cvsnet.co.kr", "www.yuntrack.com"]


def test_the_extension_leaves_out_of_a_card_what_the_companion_does_not_read(browser):
    """selectors.js's ``list.unread`` (a CSS selector built from LIST_UNREAD) and the companion's
    own rule (``order_list.unread_in_card``) agree on every class attribute: a name, or a name and
    a module hash, never a longer name that only begins like one."""
    from companion.parsing.order_list import UNREAD_IN_CARD
    from companion.parsing.order_list import unread_in_card

    classes = [name for name in UNREAD_IN_CARD] + [f"x {name}--1Z3wUdt" for name in UNREAD_IN_CARD] + [
        "order-item-store-name", "order-item-content-imgs", "yes--wrap", "es--wrapper", "comet-icons x",
        "comet-icon comet-icon-arrowright", "es--wrap--2p8eS4Q", "order-item-header-right", "order-item-content",
    ]
    popup = browser.open_popup()
    for path in ("common/generated.js", "content/selectors.js"):
        popup.add_script_tag(url=f"../{path}")
    dropped = popup.evaluate(
        """(classes) => {
            const card = document.createElement('div');
            card.className = 'order-item';
            for (const value of classes) {
                const el = document.createElement('span');
                el.className = value;
                card.append(el);
            }
            document.body.append(card);
            const found = new Set(card.querySelectorAll(globalThis.ParcelDoctor.selectors.list.unread));
            return [...card.children].map((el) => found.has(el));
        }""",
        classes,
    )
    assert dict(zip(classes, dropped)) == {value: unread_in_card(value) for value in classes}
    assert sum(dropped) == 2 * len(UNREAD_IN_CARD) + 2 and not all(dropped)
