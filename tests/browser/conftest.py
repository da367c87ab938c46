"""Fixtures for the end-to-end tests: the system Chromium with the unpacked extension, the
real companion as a subprocess, and the fake AliExpress site (fake_site.py) over HTTPS.

With CI=true a missing Chromium or Playwright fails the tests; elsewhere they are skipped
with the reason. Playwright's own browser download is never used (it cannot work here).
"""

from __future__ import annotations

import os
import shutil

import pytest

from . import fake_site
from .harness import PARCEL_DOCTOR
from .harness import Companion
from .harness import free_port
from .harness import launch


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        _missing("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def playwright_instance(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (./scripts/setup test)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def site(tmp_path_factory, chromium_path):
    if not shutil.which("openssl"):
        _missing("openssl is not installed (needed for the test site's certificate)")
    cert, key = fake_site.self_signed_cert(tmp_path_factory.mktemp("tls"))
    with fake_site.FakeSite(cert, key) as server:
        yield server


@pytest.fixture
def companion(tmp_path, chromium_path):
    if not PARCEL_DOCTOR.exists():
        pytest.fail(f"{PARCEL_DOCTOR} is missing: run ./scripts/setup test")
    data_dir = tmp_path / "companion-data"
    data_dir.mkdir()
    c = Companion(data_dir, free_port())
    yield c
    c.stop()


@pytest.fixture
def browser(playwright_instance, chromium_path, site, tmp_path):
    b = launch(playwright_instance, chromium_path, site, tmp_path / "profile")
    try:
        yield b
    finally:
        b.context.close()
    # Every browser test also proves the extension's consoles stayed free of errors.
    assert b.extension_errors() == [], "the extension logged errors:\n" + "\n".join(b.extension_errors())


@pytest.fixture
def paired(browser, companion):
    companion.start()
    browser.pair(companion)
    return browser
