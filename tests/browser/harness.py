"""The pieces the browser tests and scripts/screenshots share: the companion as a subprocess,
Chromium with the unpacked extension, and small page helpers. No pytest here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests import server
from tests.server import free_port  # noqa: F401  (the browser tests take it from here)

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
PARCEL_DOCTOR = Path(sys.executable).parent / "parcel-doctor"
# The id that manifest.json's "key" pins (extension/README.md).
EXTENSION_ID = "ghdhkhilhnglngmoijdiglfbpmhbolkj"
LIST_URL = "https://www.aliexpress.com/p/order/index.html"
TIMEOUT_MS = 15000
# Records, in the page's own world, what the MAIN-world hook sends the content script: this
# script runs before the hook, so it sees the port hand-over and listens on the port too.
RECORD_PAGE_MESSAGES = """
window.__pdMessages = [];
window.addEventListener('message', (event) => {
  if (event.data && event.data.source === 'parcel-doctor/mtop-port' && event.ports.length === 1) {
    event.ports[0].addEventListener('message', (m) => window.__pdMessages.push(m.data));
  }
}, true);
"""


class Companion(server.Companion):
    """The real companion (tests/server.py) on a given port, restartable, plus a pairing code."""

    def start(self, timeout: float = 20) -> "Companion":
        super().start(timeout)
        return self

    def pairing_code(self) -> str:
        out = subprocess.run(
            [str(PARCEL_DOCTOR), "token", "--pairing-code", "--data-dir", str(self.data_dir)],
            check=True, capture_output=True, text=True,
        ).stdout
        return out.strip().splitlines()[-1].strip()


class Browser:
    """A persistent Chromium context with the extension loaded, and helpers around it."""

    def __init__(self, context):
        self.context = context
        self.log_file: Path | None = None
        workers = context.service_workers
        self.worker = workers[0] if workers else context.wait_for_event("serviceworker", timeout=TIMEOUT_MS)
        self.extension_id = self.worker.url.split("/")[2]

    def extension_errors(self) -> list[str]:
        """Console lines from the extension's own code (service worker, popup, content
        scripts). The extension never writes to the console, so every line here is an error:
        an uncaught exception, a rejected promise nobody handled, or a console call left in.
        (Chromium's log does not say the level of a console line, so none is allowed.)"""
        if not self.log_file.exists():
            return []
        lines = self.log_file.read_text(errors="replace").splitlines()
        return [
            line
            for line in lines
            if ":CONSOLE" in line and f"chrome-extension://{self.extension_id}/" in line
        ]

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def storage(self) -> dict:
        return self.worker.evaluate("chrome.storage.local.get(null)")

    def set_storage(self, values: dict) -> None:
        self.worker.evaluate("(values) => chrome.storage.local.set(values)", values)

    def open_popup(self):
        page = self.context.new_page()
        page.goto(self.url("popup/popup.html"))
        page.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
        return page

    def pair(self, companion: Companion) -> None:
        """Points the extension at the companion's port and pairs through the popup."""
        self.set_storage({"port": companion.port})
        popup = self.open_popup()
        popup.wait_for_selector('#companion-status[data-state="unpaired"]', timeout=TIMEOUT_MS)
        popup.fill("#pairing-code", companion.pairing_code())
        popup.click("#pair")
        popup.wait_for_selector('#companion-status[data-state="connected"]', timeout=TIMEOUT_MS)
        popup.close()

    def open(self, url: str, record_page_messages: bool = False):
        page = self.context.new_page()
        if record_page_messages:
            page.add_init_script(RECORD_PAGE_MESSAGES)
        page.goto(url)
        return page


def launch(playwright, chromium_path: str, site, profile_dir: Path) -> Browser:
    """Chromium with the extension, www.aliexpress.com mapped onto the fake site."""
    args = [
        "--headless=new",
        f"--disable-extensions-except={EXTENSION}",
        f"--load-extension={EXTENSION}",
        f"--host-resolver-rules={site.resolver_rules()}",
        "--ignore-certificate-errors",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # The console of every page and worker, the service worker's included, goes to this
        # file: the tests read it to prove the extension logs no error (chrome://extensions shows
        # the same console as "Errors").
        "--enable-logging",
        f"--log-file={profile_dir}.chrome.log",
        "--v=0",
    ]
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir),
        headless=False,  # headless comes from --headless=new: the old mode cannot load extensions
        executable_path=chromium_path,
        args=args,
        ignore_https_errors=True,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        viewport={"width": 1100, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    browser = Browser(context)
    browser.log_file = Path(f"{profile_dir}.chrome.log")
    return browser


def overlays(page) -> dict[str, dict]:
    """order id -> {cause, severity, text} for every overlay host on the page."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-parcel-doctor-order]')].map((h) => [
            h.dataset.parcelDoctorOrder,
            {cause: h.dataset.parcelDoctorCause, severity: h.dataset.parcelDoctorSeverity,
             text: h.shadowRoot ? h.shadowRoot.textContent : '',
             links: h.shadowRoot ? [...h.shadowRoot.querySelectorAll('a')].map((a) => a.href) : []}]))"""
    )


def host_count(page) -> int:
    return page.evaluate("document.querySelectorAll('[data-parcel-doctor-order]').length")


def wait_for_overlays(page, order_ids, timeout=TIMEOUT_MS) -> dict[str, dict]:
    """Waits until every id in order_ids has an overlay; returns overlays(page)."""
    page.wait_for_function(
        "(ids) => ids.every((id) => document.querySelector(`[data-parcel-doctor-order=\"${id}\"]`))",
        arg=list(order_ids),
        timeout=timeout,
    )
    return overlays(page)


def hosts_per_order(page) -> dict[str, int]:
    """order id -> how many overlay hosts carry it (must always be 1)."""
    return page.evaluate(
        """() => { const n = {}; for (const h of document.querySelectorAll('[data-parcel-doctor-order]'))
                   n[h.dataset.parcelDoctorOrder] = (n[h.dataset.parcelDoctorOrder] || 0) + 1; return n; }"""
    )


def card_ids(page) -> list[str]:
    """The order ids of the .order-item cards the page shows, in order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.order-item')].map((card) => {
             const a = card.querySelector('a[href*="orderId="], a[href*="tradeOrderId="]');
             return a && /(?:orderId|tradeOrderId)=(\\d+)/.exec(a.getAttribute('href'))[1]; })"""
    )
