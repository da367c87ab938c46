"""Renders the overlays, the notice and the popup on the fake AliExpress pages to PNG
(docs/screenshots/*.png) for the README. Run through ./scripts/screenshots
(``python -m tests.browser.screenshots`` from the project root).

Uses the same harness as the browser tests: the system Chromium, the real companion and the
fake site over HTTPS. Nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.browser import fake_site
from tests.browser.harness import LIST_URL
from tests.browser.harness import ROOT
from tests.browser.harness import Companion
from tests.browser.harness import free_port
from tests.browser.harness import launch
from tests.browser.harness import wait_for_overlays

OUT = ROOT / "docs" / "screenshots"
TRACKING = "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId={}"


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        print("screenshots need Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        (tmp / "data").mkdir()
        cert, key = fake_site.self_signed_cert(tmp)
        companion = Companion(tmp / "data", free_port())
        with fake_site.FakeSite(cert, key) as site:
            browser = launch(playwright, chromium, site, tmp / "profile")
            try:
                # the notice first, while nothing answers on the port
                browser.set_storage({"port": companion.port})
                page = browser.open(LIST_URL)
                page.wait_for_selector("parcel-doctor-notice", state="attached")
                page.wait_for_timeout(300)
                shot(page, "offline-notice.png", clip={"x": 560, "y": 620, "width": 540, "height": 280})
                page.close()

                companion.start()
                browser.pair(companion)
                for order_id, name in (("8215000000000404", "tracking-customs.png"),
                                       ("8215000000000505", "tracking-courier.png")):
                    tab = browser.open(TRACKING.format(order_id))
                    wait_for_overlays(tab, [order_id])
                    tab.wait_for_timeout(300)
                    shot(tab, name, clip={"x": 0, "y": 0, "width": 1100, "height": 520})
                    tab.close()

                # after the tracking pages, the companion knows more than the list shows
                page = browser.open(LIST_URL)
                wait_for_overlays(page, [o.order_id for o in fake_site.SCENARIOS["main"][0]])
                shot(page, "order-list.png", clip={"x": 100, "y": 0, "width": 900, "height": 900})

                page.bring_to_front()
                popup = browser.open_popup()
                popup.wait_for_selector("#summary li")
                popup.fill("#number", "RR123456785CN")
                popup.click("#identify")
                popup.wait_for_selector("#number-result li")
                popup.set_viewport_size({"width": 400, "height": 900})
                path = OUT / "popup.png"
                popup.locator("body").screenshot(path=str(path))
                print(path.relative_to(ROOT))

                # every remembered order, wide and on a phone-sized window
                for name, width in (("dashboard.png", 1100), ("dashboard-narrow.png", 360)):
                    board = browser.context.new_page()
                    board.set_viewport_size({"width": width, "height": 1400})
                    board.goto(browser.url("dashboard/dashboard.html"))
                    board.wait_for_selector("body[data-ready=true]")
                    shot(board, name, clip={"x": 0, "y": 0, "width": width, "height": 1400})
                    board.close()
            finally:
                browser.context.close()
                companion.stop()
    return 0


def shot(page, name: str, clip: dict) -> None:
    path = OUT / name
    page.screenshot(path=str(path), clip=clip)
    print(path.relative_to(ROOT))


if __name__ == "__main__":
    sys.exit(main())
