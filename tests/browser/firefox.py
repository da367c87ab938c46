"""Firefox ESR with the packaged extension, driven through its built-in Marionette (PyPI
``marionette-driver``; no geckodriver). FirefoxBrowser and FirefoxTab offer the part of the
Chromium harness's interface (Playwright's Page) that the shared browser tests use, so each
flow is written once. No pytest here."""

from __future__ import annotations

import json
import os
import subprocess
import time
import warnings
from pathlib import Path

from .harness import TIMEOUT_MS
from .harness import ExtensionBrowser

ADDON_ID = "parcel-doctor@parcel-doctor.local"
# Firefox gives each install a random moz-extension:// uuid; the profile pins ours so the
# popup's address is known before the add-on starts.
ADDON_UUID = "5f2b8c1e-7a34-4d0e-9c61-2b7e4a9d0c35"
# Entries Firefox itself writes to stdout that say nothing about the extension.
FIREFOX_NOISE = (
    "RSLoader: ",  # "Failed to retrieve recipes from Remote Settings" (no network here)
    "RenderCompositorSWGL",
    "Exiting due to channel error.",
    "BackupService",  # no Documents directory in a bare profile
    # Firefox stops the scripts of a tab it closes while they run and says so as a warning:
    # check-all closes each checked tab once its diagnosis is in, when the content script may
    # still be drawing (seen only on a loaded machine; the prefs that end slow scripts did not
    # change it, so it is the closing, not a script running long).
    "Script terminated by timeout",
)
# An entry on stdout starts with one of these; the lines after it until the next belong to it.
ENTRY_STARTS = ("console.", "JavaScript ", "Crash Annotation", "*** ")

# Playwright-like evaluate: `source` is an expression, or a function called with `arg`.
# Runs in Marionette's mutable sandbox: the page's own world (no Xray), as Playwright's does.
EVALUATE = """const __arg = arguments[0];
const __value = (%s);
return typeof __value === "function" ? __value(__arg) : __value;"""
# state -> predicate on the first element matching the selector (Playwright's meanings)
STATES = {
    "attached": "!!el",
    "detached": "!el",
    "visible": "!!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'",
    "hidden": "!el || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden'",
}


def user_prefs(marionette_port: int, site_port: int) -> dict:
    return {
        "marionette.port": marionette_port,
        # every host name to loopback, and https://…:443 to the fake site's port (no root needed)
        "network.dns.forceResolve": "127.0.0.1",
        "network.socket.forcePort": f"443={site_port}",
        "network.trr.mode": 5,
        "network.proxy.type": 0,
        "extensions.webextensions.uuids": json.dumps({ADDON_ID: ADDON_UUID}),
        # the popup's port form asks for the optional host permission; grant without a doorhanger
        "extensions.webextOptionalPermissionPrompts": False,
        "intl.locale.requested": "ko-KR",
        "intl.accept_languages": "ko-KR, ko",
        # console lines and uncaught errors of pages, content scripts and the background on stdout
        "devtools.console.stdout.content": True,
        "devtools.console.stdout.chrome": True,
        "browser.shell.checkDefaultBrowser": False,
        "browser.startup.homepage_override.mstone": "ignore",
        "browser.aboutwelcome.enabled": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "toolkit.telemetry.reportingpolicy.firstRun": False,
        "app.update.disabledForTesting": True,
        "browser.tabs.warnOnClose": False,
    }


class FirefoxTab:
    """One tab; each call first makes it Marionette's current window."""

    def __init__(self, browser: "FirefoxBrowser", handle: str):
        self.browser, self.handle = browser, handle

    def _use(self):
        b = self.browser
        if b.current != self.handle:
            b.client.switch_to_window(self.handle, focus=False)
            b.current = self.handle
        return b.client

    @property
    def url(self) -> str:
        return self._use().get_url()

    def goto(self, url: str) -> None:
        self._use().navigate(url)

    def close(self) -> None:
        self.browser.close_tab(self.handle)

    def evaluate(self, source: str, arg=None):
        return self._use().execute_script(EVALUATE % source, script_args=[arg], sandbox=None)

    def system(self, script: str, args=()):
        """A script with the system principal in this tab's document (closed shadow roots)."""
        return self._use().execute_script(script, script_args=list(args), sandbox="system")

    def shadow_roots(self, selector: str, fn: str, arg=None) -> list:
        return self.system(
            f"const fn = ({fn}); return [...document.querySelectorAll(arguments[0])]"
            ".map((host) => fn(host, host.openOrClosedShadowRoot, arguments[1]));",
            [selector, arg],
        )

    def wait_for_function(self, source: str, arg=None, timeout=TIMEOUT_MS, polling=100):
        from marionette_driver.errors import JavascriptException

        deadline = time.monotonic() + timeout / 1000
        while True:
            try:
                value = self.evaluate(source, arg)
            except JavascriptException:  # the document is being replaced: ask the next one
                if time.monotonic() > deadline:
                    raise
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout} ms waiting for {source}")
            time.sleep(polling / 1000)

    def wait_for_selector(self, selector: str, state: str = "visible", timeout=TIMEOUT_MS) -> None:
        self.wait_for_function(
            f"(sel) => {{ const el = document.querySelector(sel); return {STATES[state]}; }}", selector, timeout
        )

    def wait_for_timeout(self, ms: float) -> None:
        time.sleep(ms / 1000)

    def _element(self, selector: str):
        self.wait_for_selector(selector)
        return self._use().find_element("css selector", selector)

    def click(self, selector: str) -> None:
        self._element(selector).click()

    def fill(self, selector: str, value: str) -> None:
        element = self._element(selector)
        element.clear()
        element.send_keys(value)

    def select_option(self, selector: str, value: str) -> None:
        self.wait_for_selector(selector)
        self.evaluate(
            "([sel, value]) => { const el = document.querySelector(sel); el.value = value;"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); }",
            [selector, value],
        )

    def text_content(self, selector: str) -> str | None:
        self.wait_for_selector(selector, "attached")
        return self.evaluate("(sel) => document.querySelector(sel).textContent", selector)

    def get_attribute(self, selector: str, name: str) -> str | None:
        self.wait_for_selector(selector, "attached")
        return self.evaluate("([sel, name]) => document.querySelector(sel).getAttribute(name)", [selector, name])

    def input_value(self, selector: str) -> str:
        self.wait_for_selector(selector, "attached")
        return self.evaluate("(sel) => document.querySelector(sel).value", selector)

    def is_visible(self, selector: str) -> bool:
        return self.evaluate(f"(sel) => {{ const el = document.querySelector(sel); return {STATES['visible']}; }}", selector)

    def is_hidden(self, selector: str) -> bool:
        return not self.is_visible(selector)

    def is_enabled(self, selector: str) -> bool:
        self.wait_for_selector(selector, "attached")
        return self.evaluate("(sel) => !document.querySelector(sel).disabled", selector)


class FirefoxBrowser(ExtensionBrowser):
    """firefox-esr --headless --marionette with the extension installed as a temporary add-on."""

    name = "firefox"

    def __init__(self, executable: str, site, profile_dir: Path, package: Path):
        with warnings.catch_warnings():  # mozinfo/mozrunner use deprecated stdlib pieces on import
            warnings.simplefilter("ignore", DeprecationWarning)
            from marionette_driver.addons import Addons
            from marionette_driver.marionette import Marionette

        from tests.server import free_port

        profile_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        (profile_dir / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in user_prefs(port, site.port).items())
        )
        self.log_file = Path(f"{profile_dir}.firefox.log")
        self._log = open(self.log_file, "wb")
        self.process = subprocess.Popen(
            [executable, "--headless", "--marionette", "--no-remote", "--profile", str(profile_dir),
             # without it Marionette refuses the system sandbox and moz-extension:// navigation
             "-remote-allow-system-access"],
            stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, "TZ": "Asia/Seoul", "MOZ_CRASHREPORTER_DISABLE": "1",
                 "MOZ_HEADLESS_WIDTH": "1100", "MOZ_HEADLESS_HEIGHT": "900"},
        )
        try:
            self.client = Marionette(host="127.0.0.1", port=port)
            self.client.start_session({"acceptInsecureCerts": True}, timeout=60)
            self.client.timeout.script = 30
            Addons(self.client).install(str(package), temp=True)
            self.current = self.client.current_window_handle
            self.blank = self.current  # the start tab stays open so closing our tabs never ends the window
        except Exception:
            self.close()
            raise
        self.extension_id = ADDON_UUID
        self.origin = f"moz-extension://{ADDON_UUID}"

    # --- the interface the shared tests use -------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.origin}/{path}"

    def new_tab(self) -> FirefoxTab:
        handle = self.client.open(type="tab", focus=True)["handle"]
        self.client.switch_to_window(handle, focus=True)
        self.current = handle
        return FirefoxTab(self, handle)

    def open(self, url: str) -> FirefoxTab:
        tab = self.new_tab()
        tab.goto(url)
        return tab

    def open_popup(self) -> FirefoxTab:
        tab = self.open(self.url("popup/popup.html"))
        tab.wait_for_selector("body[data-ready=true]")
        return tab

    def close_tab(self, handle: str) -> None:
        if handle in self.client.window_handles:
            self.client.switch_to_window(handle, focus=False)
            self.client.close()
        self.current = self.blank
        self.client.switch_to_window(self.blank, focus=False)

    def tab_count(self) -> int:
        return len(self.client.window_handles)

    def _in_extension_page(self, source: str, arg=None):
        popup = self.open_popup()
        try:
            return popup.evaluate(source, arg)
        finally:
            popup.close()

    def storage(self) -> dict:
        return self._in_extension_page("chrome.storage.local.get(null)")

    def set_storage(self, values: dict | None) -> None:
        """Stores values in chrome.storage.local; None empties the local and session storage."""
        self._in_extension_page(
            "(values) => values === null"
            " ? Promise.all([chrome.storage.local.clear(), chrome.storage.session && chrome.storage.session.clear()])"
            " : chrome.storage.local.set(values)",
            values,
        )

    def reset(self) -> None:
        """Back to a just-installed extension for the next test: the start tab, empty storage."""
        for handle in self.client.window_handles:
            if handle != self.blank:
                self.close_tab(handle)
        self.set_storage(None)

    def console_lines(self) -> list[str]:
        if not self.log_file.exists():
            return []
        return self.log_file.read_text(errors="replace").splitlines()

    def console_entries(self, since: int = 0) -> list[str]:
        """Firefox's stdout as entries: a console line or error with its continuation lines."""
        entries: list[str] = []
        for line in self.console_lines()[since:]:
            if line.startswith(ENTRY_STARTS) or not entries or line[:1].isdigit():
                entries.append(line)
            else:
                entries[-1] += "\n" + line
        return entries

    def extension_errors(self, since: int = 0) -> list[str]:
        """Console entries and uncaught errors on Firefox's stdout, less its own known noise and
        Firefox's own modules (resource://, chrome://). The extension never writes to the console,
        nor do the fake site's pages, so every other console or error entry is an error (Firefox's
        console lines do not say which script wrote them; uncaught errors carry their
        moz-extension:// address)."""
        return [
            entry for entry in self.console_entries(since)
            if (entry.startswith(("console.", "JavaScript ")) or self.origin in entry)
            and (self.origin in entry or not any(own in entry for own in ("resource://", "chrome://")))
            and not any(noise in entry for noise in FIREFOX_NOISE)
        ]

    def close(self) -> None:
        client = getattr(self, "client", None)
        try:
            if client is not None and client.session is not None:
                client.delete_session()
        except Exception:  # noqa: BLE001  (the browser may already be gone)
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
