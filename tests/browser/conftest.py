"""Fixtures for the end-to-end tests: the system Chromium with the unpacked extension, or
Firefox ESR with the packaged one, the real companion as a subprocess, and the fake AliExpress
site (fake_site.py) over HTTPS.

`browser` is Chromium unless the test is marked `cross_browser`: then it runs once per browser
(test ids end in [chromium] / [firefox]) and may use only the interface both share (harness.py).
A test for one other browser only says so with
`@pytest.mark.parametrize("browser_name", ["firefox"], scope="module")`.

One browser serves a whole test module (starting Firefox costs seconds): before each test it
is reset to one blank tab and empty extension storage, and after each test its log since the
test began must hold no extension error.

With CI=true a missing browser, Playwright or marionette-driver fails the tests; elsewhere they
are skipped with the reason. Playwright's own browser download and geckodriver are never used.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess

import pytest

from . import fake_site
from .harness import PARCEL_DOCTOR
from .harness import ROOT
from .harness import Companion
from .harness import free_port
from .harness import launch

BROWSERS = ("chromium", "firefox")


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


def _argnames(mark) -> list[str]:
    names = mark.args[0]
    return [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)


def pytest_generate_tests(metafunc):
    """browser_name as a module-scoped parameter of every browser test (unless the test names its
    browsers itself), so that tests of one module share each browser they use."""
    if "browser_name" not in metafunc.fixturenames:
        return
    if any("browser_name" in _argnames(mark) for mark in metafunc.definition.iter_markers("parametrize")):
        return
    cross = metafunc.definition.get_closest_marker("cross_browser")
    metafunc.parametrize("browser_name", BROWSERS if cross else ("chromium",), scope="module")


@pytest.fixture(scope="module")
def browser_name() -> str:
    return "chromium"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        _missing("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def firefox_path() -> str:
    path = shutil.which("firefox-esr") or shutil.which("firefox")
    if not path:
        _missing("Firefox ESR is not installed (apt-get install firefox-esr)")
    if importlib.util.find_spec("marionette_driver") is None:
        _missing("marionette-driver is not installed (./scripts/setup test)")
    return path


@pytest.fixture(scope="session")
def firefox_package(tmp_path_factory) -> str:
    """The Firefox zip scripts/package-extension builds: what Firefox installs is what ships."""
    out = tmp_path_factory.mktemp("package")
    subprocess.run([str(ROOT / "scripts" / "package-extension"), str(out)], check=True, capture_output=True)
    (package,) = out.glob("parcel-doctor-firefox-*.zip")
    return package


@pytest.fixture(scope="session")
def playwright_instance(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (./scripts/setup test)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    if not shutil.which("openssl"):
        _missing("openssl is not installed (needed for the test site's certificate)")
    cert, key = fake_site.self_signed_cert(tmp_path_factory.mktemp("tls"))
    with fake_site.FakeSite(cert, key) as server:
        yield server


@pytest.fixture
def companion(tmp_path):
    if not PARCEL_DOCTOR.exists():
        pytest.fail(f"{PARCEL_DOCTOR} is missing: run ./scripts/setup test")
    data_dir = tmp_path / "companion-data"
    data_dir.mkdir()
    c = Companion(data_dir, free_port())
    yield c
    # Asked to stop, not waited for: it ends (its graceful stop takes up to half a second) while
    # the next test starts on its own port and data dir; the session waits for all at its end.
    _STOPPING.append(c.terminate())


_STOPPING: list[Companion] = []


@pytest.fixture(scope="session", autouse=True)
def _companions_stopped():
    yield
    for c in _STOPPING:
        c.stop()


@pytest.fixture(scope="module")
def module_browser(request, browser_name, site, tmp_path_factory):
    profile = tmp_path_factory.mktemp(f"{browser_name}-profile") / "profile"
    if browser_name == "firefox":
        from .firefox import FirefoxBrowser

        b = FirefoxBrowser(request.getfixturevalue("firefox_path"), site, profile,
                           request.getfixturevalue("firefox_package"))
    else:
        b = launch(request.getfixturevalue("playwright_instance"), request.getfixturevalue("chromium_path"),
                   site, profile)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def browser(module_browser, companion):
    module_browser.reset()
    # Never the default 8765, where a shopper's own companion may be running: the extension
    # talks only to this test's companion port (started or not).
    module_browser.set_storage({"port": companion.port})
    mark = module_browser.log_mark()
    yield module_browser
    # Every browser test also proves the extension's consoles stayed free of errors.
    errors = module_browser.extension_errors(since=mark)
    assert errors == [], "the extension logged errors:\n" + "\n".join(errors)


@pytest.fixture
def paired(browser, companion):
    companion.start()
    browser.pair(companion)
    return browser
