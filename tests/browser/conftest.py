"""Fixtures for the end-to-end tests: the system Chromium with the unpacked extension, or
Firefox ESR with the packaged one, the real companion as a subprocess, and the fake AliExpress
site (fake_site.py) over HTTPS.

`browser` is Chromium unless the test is marked `cross_browser`: then it runs once per browser
(test ids end in [chromium] / [firefox]) and may use only the interface both share (harness.py).

With CI=true a missing browser, Playwright or marionette-driver fails the tests; elsewhere they
are skipped with the reason. Playwright's own browser download and geckodriver are never used.
"""

from __future__ import annotations

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


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("cross_browser") and "browser_name" in metafunc.fixturenames:
        metafunc.parametrize("browser_name", BROWSERS)


@pytest.fixture
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
    try:
        import importlib.util

        if importlib.util.find_spec("marionette_driver") is None:
            raise ImportError("marionette_driver")
    except ImportError:
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
    c.stop()


@pytest.fixture
def browser(request, browser_name, site, tmp_path):
    if browser_name == "firefox":
        from .firefox import FirefoxBrowser

        b = FirefoxBrowser(request.getfixturevalue("firefox_path"), site, tmp_path / "profile",
                           request.getfixturevalue("firefox_package"))
    else:
        b = launch(request.getfixturevalue("playwright_instance"), request.getfixturevalue("chromium_path"),
                   site, tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()
    # Every browser test also proves the extension's consoles stayed free of errors.
    assert b.extension_errors() == [], "the extension logged errors:\n" + "\n".join(b.extension_errors())


@pytest.fixture
def paired(browser, companion):
    companion.start()
    browser.pair(companion)
    return browser
