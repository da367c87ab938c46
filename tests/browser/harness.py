"""The pieces the browser tests and scripts/screenshots share: the companion as a subprocess,
Chromium with the unpacked extension (Firefox ESR: firefox.py, the same interface), and small page
helpers that work on a tab of either browser. No pytest here.

A tab is a Playwright Page in Chromium and a firefox.FirefoxTab in Firefox; tests that run in both
browsers use only what both have: evaluate, wait_for_function, wait_for_selector, click, fill,
select_option, text_content, get_attribute, input_value, is_visible, is_hidden, is_enabled,
wait_for_timeout, close. Overlays live in closed shadow roots, which no page script can open:
read them with shadow_roots() and the helpers below, never through element.shadowRoot.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import weakref
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


def remembered(companion) -> dict:
    """What reached the companion's history, read from its own database: the only place a
    payload the MAIN-world hook relayed can be seen (the hook hands its port to the content
    script before any page or test script runs, in both browsers)."""
    from companion import store

    return store.export_history(store.History(companion.data_dir / "history.sqlite3"))["tables"]


def wait_until_all_checked(page) -> None:
    """Until no overlay on the list says its order's tracking was never checked (check-all done)."""
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-parcel-doctor-order]')]"
        ".some((h) => h.dataset.parcelDoctorCause === 'tracking_not_checked')",
        timeout=15000,
    )


def remembered_once(companion, done, seconds: float = 10) -> dict:
    """:func:`remembered` once ``done(tables)`` holds, or after ``seconds``. An overlay may come
    from a capture made before the page's JSON arrived; the capture that carries it follows
    within moments (later on a loaded machine)."""
    deadline = time.monotonic() + seconds
    while True:
        tables = remembered(companion)
        if done(tables) or time.monotonic() > deadline:
            return tables
        time.sleep(0.2)


class Companion(server.Companion):
    """The real companion (tests/server.py) on a given port, restartable, plus a pairing code."""

    def start(self, timeout: float = 20) -> "Companion":
        super().start(timeout)
        return self

    def pairing_code(self) -> str:
        out = subprocess.run(
            [str(self.exe), "token", "--pairing-code", "--data-dir", str(self.data_dir)],
            check=True, capture_output=True, text=True,
        ).stdout
        return out.strip().splitlines()[-1].strip()


class ExtensionBrowser:
    """What both browsers offer the tests (Chromium: Browser below; Firefox: firefox.py)."""

    name = ""
    origin = ""  # chrome-extension://<id> or moz-extension://<uuid>

    def log_mark(self) -> int:
        """How many log lines there are now: extension_errors(since=mark) reads only later ones."""
        return len(self.console_lines())

    def pair(self, companion: Companion) -> None:
        """Points the extension at the companion's port and pairs through the popup."""
        self.set_storage({"port": companion.port})
        popup = self.open_popup()
        popup.wait_for_selector('#companion-status[data-state="unpaired"]', timeout=TIMEOUT_MS)
        popup.fill("#pairing-code", companion.pairing_code())
        popup.click("#pair")
        popup.wait_for_selector('#companion-status[data-state="connected"]', timeout=TIMEOUT_MS)
        popup.close()


class Browser(ExtensionBrowser):
    """A persistent Chromium context with the extension loaded, and helpers around it."""

    name = "chromium"

    def __init__(self, context):
        self.context = context
        self.log_file: Path | None = None
        self.extension_id = self.worker.url.split("/")[2]
        self.origin = f"chrome-extension://{self.extension_id}"

    @property
    def worker(self):
        """The extension's service worker (a new one after Chromium stopped an idle one)."""
        workers = [w for w in self.context.service_workers if w.url.startswith("chrome-extension://")]
        if workers:
            return workers[-1]
        return self.context.wait_for_event("serviceworker", timeout=TIMEOUT_MS)

    def console_lines(self) -> list[str]:
        if not self.log_file or not self.log_file.exists():
            return []
        return self.log_file.read_text(errors="replace").splitlines()

    def reset(self) -> None:
        """Back to a just-installed extension for the next test: one blank tab, empty storage."""
        for page in self.context.pages[1:]:
            page.close()
        self.worker.evaluate("Promise.all([chrome.storage.local.clear(), chrome.storage.session && chrome.storage.session.clear()])")

    def extension_errors(self, since: int = 0) -> list[str]:
        """Console lines from the extension's own code (service worker, popup, content
        scripts). The extension never writes to the console, so every line here is an error:
        an uncaught exception, a rejected promise nobody handled, or a console call left in.
        (Chromium's log does not say the level of a console line, so none is allowed.)"""
        return [
            line
            for line in self.console_lines()[since:]
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

    def open(self, url: str):
        page = self.context.new_page()
        page.goto(url)
        return page

    def tab_count(self) -> int:
        return len(self.context.pages)

    def close(self) -> None:
        self.context.close()


def granted(playwright, chromium_path: str, site, folder: Path, optional: str):
    """Chromium with a copy of the extension (in ``folder``) whose manifest grants at install what
    it otherwise asks for later (``optional_permissions`` or ``optional_host_permissions``):
    headless Chromium cannot answer the prompt a request opens. A generator, for a fixture."""
    copy = folder / "extension"
    shutil.copytree(EXTENSION, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest[optional.removeprefix("optional_")] += manifest.pop(optional)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    browser = launch(playwright, chromium_path, site, folder / "profile", extension=copy)
    try:
        yield browser
    finally:
        browser.close()


def launch(playwright, chromium_path: str, site, profile_dir: Path, extension: Path = EXTENSION) -> Browser:
    """Chromium with the extension (or a test's copy of it), www.aliexpress.com mapped onto the
    fake site."""
    args = [
        "--headless=new",
        f"--disable-extensions-except={extension}",
        f"--load-extension={extension}",
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


_cdp_sessions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _chromium_shadow_roots(page, selector: str, fn: str, arg=None) -> list:
    """Through the DevTools protocol, which (unlike any page or content script) can open a closed
    shadow root: DOM.describeNode with pierce names each host's root, DOM.resolveNode makes it an
    object, and fn(host, root, arg) runs on it in the page's world."""
    session = _cdp_sessions.get(page)
    if session is None:
        session = _cdp_sessions[page] = page.context.new_cdp_session(page)
    group = "parcel-doctor-shadow"
    try:
        hosts = session.send("Runtime.evaluate", {
            "expression": f"[...document.querySelectorAll({json.dumps(selector)})]", "objectGroup": group,
        })["result"]
        props = session.send("Runtime.getProperties", {"objectId": hosts["objectId"], "ownProperties": True})
        ids = sorted((int(p["name"]), p["value"]["objectId"]) for p in props["result"] if p["name"].isdigit())
        results = []
        for _, host in ids:
            node = session.send("DOM.describeNode", {"objectId": host, "pierce": True, "depth": 1})["node"]
            root = {"value": None}
            if node.get("shadowRoots"):
                resolved = session.send("DOM.resolveNode", {
                    "backendNodeId": node["shadowRoots"][0]["backendNodeId"], "objectGroup": group,
                })
                root = {"objectId": resolved["object"]["objectId"]}
            answer = session.send("Runtime.callFunctionOn", {
                "objectId": host,
                "functionDeclaration": f"function (root, arg) {{ return ({fn})(this, root, arg); }}",
                "arguments": [root, {"value": arg}],
                "returnByValue": True, "awaitPromise": True,
            })
            if "exceptionDetails" in answer:
                raise RuntimeError(f"{fn} failed: {answer['exceptionDetails']}")
            results.append(answer["result"].get("value"))
        return results
    finally:
        session.send("Runtime.releaseObjectGroup", {"objectGroup": group})


def shadow_roots(page, selector: str, fn: str, arg=None) -> list:
    """fn(host, root, arg) for every element matching selector, root being its shadow root, open
    or closed (null when it has none): JavaScript source, answers must be JSON. Chromium reads the
    roots through the DevTools protocol, Firefox through Marionette's system sandbox
    (openOrClosedShadowRoot)."""
    if hasattr(page, "shadow_roots"):
        return page.shadow_roots(selector, fn, arg)
    for attempt in range(3):
        try:
            return _chromium_shadow_roots(page, selector, fn, arg)
        except Exception as error:  # noqa: BLE001  (a host the page re-rendered away between two calls)
            if attempt == 2 or "node" not in str(error).lower():
                raise
            time.sleep(0.1)


def shadow_text(page, selector: str) -> str:
    """The text in the shadow root of the first element matching selector ('' when none)."""
    texts = shadow_roots(page, selector, "(host, root) => root ? root.textContent : ''")
    return texts[0] if texts else ""


def wait_for_shadow(page, selector: str, fn: str, arg=None, timeout=TIMEOUT_MS):
    """Waits until fn(host, root, arg) is truthy for some host matching selector; returns it."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        found = [value for value in shadow_roots(page, selector, fn, arg) if value]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} ms waiting for {fn} on {selector}")
        time.sleep(0.1)


def overlays(page) -> dict[str, dict]:
    """order id -> {cause, severity, text, links} for every overlay host on the page."""
    return dict(shadow_roots(
        page,
        "[data-parcel-doctor-order]",
        """(h, root) => [h.dataset.parcelDoctorOrder,
            {cause: h.dataset.parcelDoctorCause, severity: h.dataset.parcelDoctorSeverity,
             text: root ? root.textContent : '',
             links: root ? [...root.querySelectorAll('a')].map((a) => a.href) : []}]""",
    ))


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
