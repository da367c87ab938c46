"""Whom the extension believes. Only what the MAIN-world hook captured from the page's own
requests reaches the companion (a page script posting a capture-shaped message does not), and
only the popup may send the popup's messages to the service worker (a content script may not)."""

import json

import pytest

from . import fake_site
from .harness import EXTENSION
from .harness import LIST_URL
from .harness import TIMEOUT_MS
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
PAGE2 = [o.order_id for o in fake_site.SCENARIOS["main"][1]]
XSS_PAGE2 = [o.order_id for o in fake_site.SCENARIOS["xss"][1]]
LIST_API = "mtop.aliexpress.trade.buyer.order.list"
FORGED = "8215000000099999"


def forged_list() -> dict:
    """A page-1 order list answer of the real shape, for an order the site never had."""
    real = fake_site.SCENARIOS["main"][0][0].order_id
    body = fake_site.ultron_list(fake_site.SCENARIOS["main"][0][:1], 1, False)
    return json.loads(json.dumps(body).replace(real, FORGED))


# Every way a page script could hand the content script a capture of its own making.
FORGE = """([api, data]) => {
  // the message shape the hook once used
  window.postMessage({ source: 'parcel-doctor/mtop', api, data }, location.origin);
  // the hand-over shape, with a port the page holds the other end of
  const channel = new MessageChannel();
  window.postMessage({ source: 'parcel-doctor/mtop-port' }, location.origin, [channel.port2]);
  channel.port1.postMessage({ api, data });
  // a capture on the hand-over tag without a port
  window.postMessage({ source: 'parcel-doctor/mtop-port', api, data }, location.origin);
}"""


def history_ids(browser) -> list[str]:
    """The order ids the companion has diagnosed, asked as the extension asks (its token)."""
    return browser.worker.evaluate(
        """async () => {
            const { port, token } = await chrome.storage.local.get(['port', 'token']);
            const r = await fetch(`http://127.0.0.1:${port}/v1/orders?limit=100`,
                                  { headers: { Authorization: `Bearer ${token}` } });
            return (await r.json()).orders.map((o) => o.order_id);
        }"""
    )


def test_a_page_script_cannot_pass_off_its_own_capture(paired):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    page.evaluate(FORGE, [LIST_API, forged_list()])
    page.wait_for_timeout(1500)
    # the page's own requests are still captured: by XMLHttpRequest (another scenario's second
    # page, so its orders are told apart) …
    page.evaluate("""() => new Promise((done) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', '/h5/mtop.aliexpress.trade.buyer.order.list/1.0/?scenario=xss');
        xhr.onload = done;
        xhr.send('data=%7B%7D');
    })""")
    # … and by fetch, sent with everything the relay holds
    page.click(".order-more button")
    wait_for_overlays(page, PAGE1 + PAGE2)
    page.wait_for_timeout(500)
    ids = history_ids(paired)
    assert set(PAGE2) <= set(ids), ids
    assert set(XSS_PAGE2) <= set(ids), ids
    assert FORGED not in ids
    assert not page.query_selector(f'[data-parcel-doctor-order="{FORGED}"]')


def content_script_eval(browser, page, expression: str):
    """Evaluates an async expression in the extension's content-script world of the page
    (Chromium's isolated world), where chrome.runtime.sendMessage is the content script's."""
    cdp = browser.context.new_cdp_session(page)
    worlds = []
    cdp.on("Runtime.executionContextCreated", lambda event: worlds.append(event["context"]))
    cdp.send("Runtime.enable")
    origin = f"chrome-extension://{browser.extension_id}"
    ours = [c for c in worlds if c.get("origin") == origin and c.get("auxData", {}).get("type") == "isolated"]
    assert ours, f"no content-script world among {worlds}"
    answer = cdp.send("Runtime.evaluate", {
        "expression": expression, "contextId": ours[-1]["id"], "awaitPromise": True, "returnByValue": True,
    })
    cdp.detach()
    assert "exceptionDetails" not in answer, answer
    return answer["result"].get("value")


def test_content_scripts_cannot_send_the_popups_messages(paired, companion):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    before = paired.storage()
    # the content script's own messages still work from there
    health = content_script_eval(paired, page, "chrome.runtime.sendMessage({ type: 'cs-sw-health' })")
    assert health == {"state": "connected"}
    answers = content_script_eval(paired, page, """Promise.all([
        chrome.runtime.sendMessage({ type: 'popup-sw-save-settings', port: 9999 }),
        chrome.runtime.sendMessage({ type: 'popup-sw-pair', code: 'ABCDEFGH' }),
        chrome.runtime.sendMessage({ type: 'popup-sw-save-lookup', provider: 'unipass', lang: 'ko', enabled: true }),
        chrome.runtime.sendMessage({ type: 'popup-sw-check-all', tabId: 1, orderIds: ['8215000000000404'] }),
        chrome.runtime.sendMessage({ type: 'popup-sw-get-status' }),
    ])""")
    assert answers == [{"ok": False, "error": {"code": "forbidden"}}] * 5
    assert paired.storage() == before
    # the popup itself still may
    popup = paired.open_popup()
    popup.wait_for_selector('#companion-status[data-state="connected"]', timeout=TIMEOUT_MS)


# The hook and the relay run here as plain page scripts, in the order a loaded browser may run
# them: the hook's first hand-over is posted and runs before the relay listens.
RUN = "(source) => (0, eval)(source)"
RELAY = ("common/generated.js", "common/messages.js", "content/payload-relay.js")


def test_a_hand_over_no_one_heard_is_made_again_when_the_relay_asks(browser):
    page = browser.open("https://www.aliexpress.com/p/no-content-script-here")  # the site's 404
    page.evaluate(RUN, (EXTENSION / "page/mtop-hook.js").read_text(encoding="utf-8"))
    page.wait_for_timeout(100)  # the hand-over message runs: nobody listens yet
    for name in RELAY:
        page.evaluate(RUN, (EXTENSION / name).read_text(encoding="utf-8"))
    fetch = "() => fetch('/h5/mtop.aliexpress.trade.buyer.order.list/1.0/?scenario=main', { method: 'POST' })"
    page.evaluate(fetch)
    page.wait_for_function("() => globalThis.ParcelDoctor.payloads.all().length === 1", timeout=TIMEOUT_MS)
    # then a page script asks too, and posts a port of its own: neither is believed
    page.evaluate(
        """() => {
            window.dispatchEvent(new Event('parcel-doctor/mtop-port-ask'));
            const channel = new MessageChannel();
            window.postMessage({ source: 'parcel-doctor/mtop-port' }, location.origin, [channel.port2]);
            channel.port1.postMessage({ api: 'mtop.aliexpress.trade.buyer.order.list', data: { forged: true } });
        }"""
    )
    page.evaluate(fetch)
    page.wait_for_function("() => globalThis.ParcelDoctor.payloads.all().length === 2", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)
    captured = page.evaluate("() => globalThis.ParcelDoctor.payloads.all()")
    assert [p["api"] for p in captured] == [LIST_API, LIST_API]
    assert not any("forged" in p["data"] for p in captured)
