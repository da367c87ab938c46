"""The popup: status, pairing, this tab's summary, the number box, the language."""

import json
import re
import shutil

import pytest

from companion import __version__
from companion.api.openapi import API_VERSION

from . import fake_site
from .harness import EXTENSION
from .harness import EXTENSION_ID
from .harness import LIST_URL
from .harness import free_port
from .harness import shadow_text
from .harness import TIMEOUT_MS
from .harness import wait_for_shadow
from .harness import wait_for_overlays

pytestmark = pytest.mark.browser

PAGE1 = [o.order_id for o in fake_site.SCENARIOS["main"][0]]
MANIFEST_VERSION = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))["version"]


def status(popup) -> str:
    return popup.get_attribute("#companion-status", "data-state")


@pytest.mark.cross_browser
def test_pairing_through_the_popup(browser, companion):
    if browser.name == "chromium":
        assert browser.extension_id == EXTENSION_ID  # pinned by the manifest's "key"
    else:
        assert browser.origin.startswith("moz-extension://")  # Firefox ignores "key"
    browser.set_storage({"port": companion.port})
    # nothing runs on the port yet: offline, with the exact start command
    popup = browser.open_popup()
    assert status(popup) == "offline"
    assert popup.is_visible("#start-hint")
    assert popup.text_content("#start-command") == "parcel-doctor serve"
    assert popup.text_content("#autostart-command") == "parcel-doctor autostart enable"
    assert popup.get_attribute("#install-link", "href") == "https://pypi.org/project/parcel-doctor/#description"
    assert popup.text_content("#versions") == f"확장 프로그램 {MANIFEST_VERSION} · 도우미 —"
    popup.close()

    companion.start()
    popup = browser.open_popup()
    assert status(popup) == "unpaired"
    assert not popup.is_visible("#start-hint")
    assert popup.text_content("#versions") == f"확장 프로그램 {MANIFEST_VERSION} · 도우미 {__version__}"
    assert popup.is_hidden("#update-hint"), "this companion's API is what the extension needs"
    popup.fill("#pairing-code", "WRONGCODE")
    popup.click("#pair")
    popup.wait_for_selector("#pair-result.error")
    assert status(popup) == "unpaired"

    popup.fill("#pairing-code", companion.pairing_code())
    popup.click("#pair")
    popup.wait_for_selector('#companion-status[data-state="connected"]')
    assert popup.is_hidden("#pairing-section")
    token = browser.storage().get("token")
    assert token and len(token) >= 20
    # the companion recorded the extension's origin at pairing
    origins = (companion.data_dir / "origins.json").read_text()
    assert browser.origin in origins


def test_summary_counts_this_tabs_orders_by_cause(paired):
    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    popup = paired.open_popup()
    popup.wait_for_selector("#summary li")
    rows = popup.eval_on_selector_all(
        "#summary li", "(rows) => Object.fromEntries(rows.map((r) => [r.dataset.cause, Number(r.dataset.count)]))"
    )
    assert rows == {"tracking_not_checked": 3, "delivered": 1, "not_shipped": 1}
    assert "운송장 정보 없음" in popup.text_content('#summary li[data-cause="tracking_not_checked"]')
    assert popup.is_enabled("#check-all")
    assert "3건" in popup.text_content("#check-all")


def test_number_box_names_the_carrier_and_builds_tracker_links(paired, companion):
    popup = paired.open_popup()
    popup.fill("#number", "RR123456785CN")
    popup.click("#identify")
    popup.wait_for_selector("#number-result li")
    row = popup.locator("#number-result li").first
    assert row.locator(".number").text_content() == "RR123456785CN"
    assert row.get_attribute("data-valid") == "true"
    links = row.locator("a").evaluate_all("(links) => links.map((a) => a.href)")
    assert links == [
        "https://t.17track.net/ko#nums=RR123456785CN",
        "https://global.cainiao.com/newDetail.htm?mailNoList=RR123456785CN",
    ]
    assert row.locator(".carriers").text_content().strip() != ""
    # asked of the number registry, not passed off as a page to diagnose
    assert "POST /v1/identify 200" in companion.log_text()
    assert "/v1/diagnose" not in companion.log_text()

    # markup is refused before it leaves the popup, and shown as an error
    popup.fill("#number", "<img src=x onerror=alert(1)>")
    popup.click("#identify")
    popup.wait_for_selector("#number-error.error")
    assert popup.locator("#number-result li").count() == 0


def test_language_switch_reaches_popup_and_overlays(paired):
    page = paired.open(LIST_URL)
    before = wait_for_overlays(page, PAGE1)
    assert "운송장 정보 없음" in before["8215000000000404"]["text"]
    popup = paired.open_popup()
    popup.select_option("#lang", "en")
    popup.wait_for_selector("html[lang=en]", state="attached")
    assert "Connected" in popup.text_content("#status-text")
    assert paired.storage()["lang"] == "en"
    host = '[data-parcel-doctor-order="8215000000000404"]'
    wait_for_shadow(page, host, "(h, root) => !!root.querySelector('[lang=en]')", timeout=TIMEOUT_MS)
    text = shadow_text(page, host)
    assert "운송장 정보 없음" not in text


@pytest.mark.parametrize("browser_name", ["firefox"], scope="module")
def test_another_port_asks_for_the_local_permission_then_connects(browser, companion):
    """A port other than the default 8765 needs the optional host permission http://127.0.0.1/*, which the
    popup requests on the click. Firefox only: its test profile answers the request without a
    doorhanger (extensions.webextOptionalPermissionPrompts off), while headless Chromium keeps
    the request pending forever (no prompt to answer)."""
    companion.start()
    other = free_port()  # where nothing listens (never 8765): saving must move the extension off it
    browser.set_storage({"port": other})
    popup = browser.open_popup()
    assert popup.evaluate("chrome.permissions.contains({origins: ['http://127.0.0.1/*']})") is False
    assert popup.input_value("#port") == str(other)
    popup.fill("#port", str(companion.port))
    popup.click("#save-port")
    popup.wait_for_selector("#port-result:not(:empty)")
    assert "error" not in popup.get_attribute("#port-result", "class"), popup.text_content("#port-result")
    assert str(companion.port) in popup.text_content("#port-result")
    assert popup.evaluate("chrome.permissions.contains({origins: ['http://127.0.0.1/*']})") is True
    assert browser.storage()["port"] == companion.port
    popup.close()
    popup = browser.open_popup()
    popup.wait_for_selector('#companion-status[data-state="unpaired"]')


def min_api_version() -> int:
    source = (EXTENSION / "common" / "messages.js").read_text(encoding="utf-8")
    return int(re.search(r"PD\.MIN_API_VERSION = (\d+);", source).group(1))


def test_this_companion_is_new_enough_for_this_extension():
    assert 1 < min_api_version() <= API_VERSION


def test_an_older_companion_is_asked_to_update(playwright_instance, chromium_path, site, companion, tmp_path):
    """An extension that needs a newer API than the running companion's (its copy with the
    minimum raised by one) says so in the popup, with the update command and both versions."""
    from .harness import launch

    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy)
    messages = copy / "common" / "messages.js"
    text = messages.read_text(encoding="utf-8")
    raised = text.replace(f"PD.MIN_API_VERSION = {min_api_version()};", f"PD.MIN_API_VERSION = {API_VERSION + 1};")
    assert raised != text
    messages.write_text(raised, encoding="utf-8")
    companion.start()
    browser = launch(playwright_instance, chromium_path, site, tmp_path / "profile", extension=copy)
    try:
        browser.set_storage({"port": companion.port})
        popup = browser.open_popup()
        popup.wait_for_selector("#update-hint", state="visible")
        assert popup.text_content("#update-hint").split() == ["도우미를", "업데이트해", "주세요:", "pipx", "upgrade", "parcel-doctor"]
        assert popup.text_content("#versions") == f"확장 프로그램 {MANIFEST_VERSION} · 도우미 {__version__}"
    finally:
        browser.context.close()
    assert browser.extension_errors() == []


def test_the_popup_saves_this_pages_diagnosis_file_without_people(paired):
    """Issue 9: "이 페이지 진단 파일 저장" saves what the page sends and the companion's answer,
    scrubbed by the companion, as a JSON file."""
    import json
    import re

    page = paired.open(LIST_URL)
    wait_for_overlays(page, PAGE1)
    popup = paired.open_popup()
    assert "진단 파일 저장" in popup.text_content("#save-diagnosis-file")
    popup.wait_for_selector("#save-diagnosis-file:not([disabled])", timeout=TIMEOUT_MS)
    with popup.expect_download(timeout=TIMEOUT_MS) as download:
        popup.click("#save-diagnosis-file")
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert download.value.suggested_filename.startswith("parcel-doctor-diagnosis-")
    assert saved["format"] == "parcel-doctor-diagnosis-file"
    assert saved["versions"]["extension"] and saved["versions"]["companion"]
    assert saved["request"]["url"].startswith(LIST_URL.split("?")[0])
    assert saved["request"]["time_zone"] and isinstance(saved["request"]["utc_offset_minutes"], int)
    assert {o["order_id"] for o in saved["answer"]["orders"]} >= set(PAGE1)
    assert re.findall(r"홍길동|010-0000-0000|예시구", json.dumps(saved, ensure_ascii=False)) == []
    # The list went without what the companion never reads of a card: product rows, store, prices.
    shown = page.eval_on_selector_all(".order-item-content-body, .order-item-store", "els => els.length")
    sent = saved["request"]["html"]
    assert shown >= 2 * len(PAGE1) and sent.count('class="order-item"') == len(PAGE1)
    assert re.findall(r'class="(?:[^"]* )?(?:order-item-content-body|order-item-store)[ "]', sent) == []
    popup.wait_for_selector("#diagnosis-file-text:not(.error)")
    assert "저장했어요" in popup.text_content("#diagnosis-file-text")
    popup.close()
    # The detail page shows the buyer (name, phone, address): its file holds none of them.
    order_id = PAGE1[0]
    detail = paired.open(f"https://www.aliexpress.com/p/order/detail.html?orderId={order_id}")
    wait_for_overlays(detail, [order_id])
    assert "홍길동" in detail.text_content("body")
    popup = paired.open_popup()
    popup.wait_for_selector("#save-diagnosis-file:not([disabled])", timeout=TIMEOUT_MS)
    with popup.expect_download(timeout=TIMEOUT_MS) as download:
        popup.click("#save-diagnosis-file")
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert [o["order_id"] for o in saved["answer"]["orders"]] == [order_id]
    assert re.findall(r"홍길동|010-0000-0000|서울시", json.dumps(saved, ensure_ascii=False)) == []
