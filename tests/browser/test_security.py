"""Page text holding markup or script never runs or gets injected, and companion answers can
only ever become text and allow-listed https links."""

import pytest

from . import fake_site
from .harness import hosts_per_order
from .harness import LIST_URL
from .harness import shadow_roots
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

XSS_PAGE1 = [o.order_id for o in fake_site.SCENARIOS["xss"][0]]
XSS_PAGE2 = [o.order_id for o in fake_site.SCENARIOS["xss"][1]]
# Every element our shadow roots may contain.
OWN_TAGS = {"DIV", "SPAN", "P", "A", "UL", "LI", "BUTTON", "CODE", "STYLE"}


def shadow_tags(page) -> set[str]:
    tags = shadow_roots(
        page, "parcel-doctor-overlay, parcel-doctor-notice",
        "(h, root) => [...root.querySelectorAll('*')].map((e) => e.tagName)",
    )
    return {tag for found in tags for tag in found}


@pytest.mark.cross_browser
def test_markup_in_item_titles_and_payloads_stays_text(paired):
    page = paired.open(LIST_URL + "?scenario=xss")
    wait_for_overlays(page, XSS_PAGE1)
    page.click(".order-more button")  # page 2 arrives as JSON through the fetch hook
    wait_for_overlays(page, XSS_PAGE1 + XSS_PAGE2)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    assert shadow_tags(page) <= OWN_TAGS
    assert page.evaluate("document.querySelectorAll('img[src=x], svg').length") == 0
    assert hosts_per_order(page) == {order_id: 1 for order_id in XSS_PAGE1 + XSS_PAGE2}
    # the page's own text is untouched and still shown as text
    assert fake_site.XSS in page.text_content(".order-item")


HOSTILE_ORDER = {
    "order_id": "8215000000009999",
    "status": "awaiting_delivery",
    "parcels": [{"tracking_number": "<b>SWX1</b>", "carrier": {"name": "<img src=x onerror=window.__pwned=5>"},
                 "valid": False, "stage": "customs",
                 "last_event": {"time": "2026-09-27T10:00:00+09:00", "text": "<script>window.__pwned=6</script>"},
                 "domestic": {"carrier": {"name": "CJ<svg onload=window.__pwned=7>"}, "tracking_number": "561"}}],
    "diagnosis": {
        "cause": "customs_in_progress", "severity": "<i>wait</i>",
        "title": "<img src=x onerror=window.__pwned=8>통관",
        "explanation": "<a href='javascript:alert(1)'>x</a>",
        "wait": {"until": "2026-10-02", "days_left": 3},
        "evidence": ["<iframe src=https://evil.example></iframe>"],
        "actions": [
            {"kind": "customs", "label": "UNI-PASS", "url": "https://unipass.customs.go.kr/csp/index.do?tgMenuId=MYC_MNU_00000450"},
            {"kind": "tracker", "label": "js", "url": "javascript:window.__pwned=9"},
            {"kind": "tracker", "label": "http", "url": "http://t.17track.net/ko#nums=1"},
            {"kind": "tracker", "label": "evil", "url": "https://evil.example/track"},
            {"kind": "tracker", "label": "lookalike", "url": "https://t.17track.net.evil.example/"},
            {"kind": "tracker", "label": "creds", "url": "https://user:pw@t.17track.net/"},
            {"kind": "tracker", "label": "data", "url": "data:text/html,<script>alert(1)</script>"},
            {"kind": "courier", "label": "CJ", "url": "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=561"},
        ],
    },
}


def load_content_modules(popup):
    """The overlay view, loaded into an extension page (its CSP allows our own files only)."""
    for path in ("common/links.js", "common/format.js", "content/dom.js", "content/styles.js", "content/badge.js"):
        popup.add_script_tag(url=f"../{path}")


def test_hostile_companion_answers_render_as_text_with_allowed_links_only(paired):
    popup = paired.open_popup()
    load_content_modules(popup)
    result = popup.evaluate(
        """async (order) => {
            const PD = globalThis.ParcelDoctor;
            const strings = await PD.strings.load('ko');
            const box = document.createElement('div');
            document.body.append(box);
            box.append(PD.badge.view(order, {strings, lang: 'ko', capturedAt: '2026-09-29T10:00:00+09:00', full: true}));
            return {
              tags: [...box.querySelectorAll('*')].map((e) => e.tagName),
              links: [...box.querySelectorAll('a')].map((a) => a.href),
              text: box.textContent,
              severity: box.firstElementChild.dataset.severity,
            };
        }""",
        HOSTILE_ORDER,
    )
    assert set(result["tags"]) <= OWN_TAGS
    assert result["links"] == [
        "https://unipass.customs.go.kr/csp/index.do?tgMenuId=MYC_MNU_00000450",
        "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=561",
    ]
    assert "<img src=x onerror=window.__pwned=8>통관" in result["text"]
    assert "<script>window.__pwned=6</script>" in result["text"]
    assert "통관 3일째 — 10월 2일까지 기다려 보세요 (3일 남음)" in result["text"]
    assert result["severity"] == "info"  # unknown severities fall back
    assert popup.evaluate("window.__pwned") is None


LINK_CASES = [
    ("https://t.17track.net/ko#nums=RR123456785CN", True),
    ("https://global.cainiao.com/newDetail.htm?mailNoList=LP1", True),
    ("https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=1", True),
    ("https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=1", True),
    ("http://www.aliexpress.com/", False),
    ("https://www.aliexpress.com:8443/", False),
    ("https://aliexpress.com.evil.example/", False),
    ("javascript:alert(1)", False),
    ("//t.17track.net/", False),
    ("https://127.0.0.1:8765/v1/orders", False),
]


def test_link_allow_list(paired):
    popup = paired.open_popup()
    verdicts = popup.evaluate(
        "(urls) => urls.map((u) => globalThis.ParcelDoctor.links.safeUrl(u) !== null)",
        [url for url, _ in LINK_CASES],
    )
    assert dict(zip((u for u, _ in LINK_CASES), verdicts)) == dict(LINK_CASES)
