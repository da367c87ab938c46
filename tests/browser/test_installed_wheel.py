"""The wheel, installed into a new environment outside the repository and run from another
directory, pairs with the extension through the popup and puts the overlays on the order list."""

import pytest

from tests.test_wheel import build_wheel
from tests.test_wheel import install_in_new_venv

from . import fake_site
from .harness import LIST_URL
from .harness import Companion
from .harness import free_port
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]


def test_the_installed_wheel_pairs_with_the_extension(browser, tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    venv = install_in_new_venv(build_wheel(tmp_path / "build"), tmp_path / "install")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    companion = Companion(data, free_port(), exe=str(venv / "bin" / "parcel-doctor"), cwd=elsewhere).start()
    try:
        browser.pair(companion)
        popup = browser.open_popup()
        assert popup.get_attribute("#companion-status", "data-state") == "connected"
        assert popup.is_hidden("#update-hint")
        popup.close()
        page = browser.open(LIST_URL)
        wait_for_overlays(page, PAGE1, timeout=30000)
    finally:
        companion.stop()
