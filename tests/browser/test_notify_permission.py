"""The switch "변경 알림 받기" asks the browser for the optional permission when it is clicked, and
only then. Firefox only: its test profile answers optional-permission requests without a
doorhanger (extensions.webextOptionalPermissionPrompts off), while headless Chromium keeps the
request pending forever; the Chromium tests (test_notify.py) install a copy with the permissions
already granted and drive the rest from there."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ALARM = "parcel-doctor-recheck"


@pytest.mark.parametrize("browser_name", ["firefox"], scope="module")
def test_the_switch_asks_for_notifications_then_sets_the_alarm(browser):
    popup = browser.open_popup()
    popup.wait_for_selector("body[data-ready=true]", state="attached")
    ask = "chrome.permissions.contains({permissions: ['notifications']})"
    assert popup.evaluate(ask) is False  # not at install
    assert popup.evaluate(f"chrome.alarms.get('{ALARM}').then((a) => a || null)") is None
    popup.click("#notify-enabled")
    popup.wait_for_selector("#notify-result:not(:empty)", state="attached")
    assert popup.text_content("#notify-result") == "알림을 켰어요."
    assert popup.evaluate(ask) is True
    assert browser.storage()["notifySettings"]["enabled"] is True
    assert popup.evaluate(f"chrome.alarms.get('{ALARM}').then((a) => a && a.name)") == ALARM
    # off again: the alarm goes
    popup.click("#notify-enabled")
    popup.wait_for_selector("#notify-result:not(:empty)", state="attached")
    popup.wait_for_function("() => document.getElementById('notify-result').textContent === '알림을 껐어요.'")
    assert popup.evaluate(f"chrome.alarms.get('{ALARM}').then((a) => a || null)") is None
    assert browser.storage()["notifySettings"]["enabled"] is False
