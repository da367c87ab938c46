"""The overlays' shadow roots are closed: a script of the page can neither read what an overlay
shows (live lookups, customs data) nor add links inside it. Only the extension, and the test
harness through the browser's own debugging protocol, can open them."""

import json

import pytest

from . import fake_site
from .harness import LIST_URL
from .harness import overlays
from .harness import wait_for_overlays

pytestmark = [pytest.mark.browser, pytest.mark.cross_browser]

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
ORDER = "8215000000000404"

# Runs as a <script> of the page itself, as AliExpress's own code or an injected ad would.
PAGE_SCRIPT = """
(() => {
  const host = document.querySelector('[data-parcel-doctor-order="%s"]');
  const seen = {root: host.shadowRoot !== null, text: host.shadowRoot ? host.shadowRoot.textContent : null};
  try {
    const link = document.createElement('a');
    link.href = 'https://evil.example/';
    link.textContent = 'evil';
    host.shadowRoot.append(link);
    seen.appended = true;
  } catch (error) {
    seen.appended = false;
  }
  try {
    host.attachShadow({mode: 'open'});
    seen.reopened = true;
  } catch (error) {
    seen.reopened = false;
  }
  document.documentElement.setAttribute('data-probe', JSON.stringify(seen));
})();
"""


def test_a_page_script_cannot_read_or_change_an_overlay(paired):
    page = paired.open(LIST_URL)
    before = wait_for_overlays(page, PAGE1)[ORDER]
    assert "운송장 정보 없음" in before["text"]
    page.evaluate(
        "(source) => { const s = document.createElement('script'); s.textContent = source;"
        " document.head.append(s); }",
        PAGE_SCRIPT % ORDER,
    )
    page.wait_for_selector("html[data-probe]", state="attached")
    seen = json.loads(page.get_attribute("html", "data-probe"))
    assert seen == {"root": False, "text": None, "appended": False, "reopened": False}
    # the overlay still shows exactly what it showed, with no link added
    after = overlays(page)[ORDER]
    assert after == before
    assert not any("evil.example" in link for link in after["links"])
