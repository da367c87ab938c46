"""The popup's live-lookup section: every provider off at first, each checkbox stored by the
companion (GET /v1/settings), UNI-PASS refused without a key, and the key never shown again."""

import subprocess

import pytest
import requests

from .harness import PARCEL_DOCTOR

pytestmark = pytest.mark.browser

PROVIDERS = ["cainiao", "unipass", "kr.cjlogistics", "kr.hanjin", "kr.lotte", "kr.epost"]
KEY = "TestKey_1234567890-abc"


def companion_settings(companion, lang="ko") -> dict:
    token = subprocess.run(
        [str(PARCEL_DOCTOR), "token", "--data-dir", str(companion.data_dir)],
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1].strip()
    response = requests.get(
        f"{companion.base}/v1/settings", params={"lang": lang},
        headers={"Authorization": f"Bearer {token}"}, timeout=5,
    )
    response.raise_for_status()
    return response.json()["providers"]


def rows(popup) -> dict[str, dict]:
    return popup.eval_on_selector_all(
        "#lookups li",
        """(rows) => Object.fromEntries(rows.map((r) => [r.dataset.provider, {
             enabled: r.dataset.enabled === 'true',
             checked: r.querySelector('.lookup-enabled').checked,
             name: r.querySelector('.lookup-name').textContent,
             sends: r.querySelector('.lookup-sends').textContent}]))""",
    )


def checkbox(provider: str) -> str:
    return f'#lookups li[data-provider="{provider}"] .lookup-enabled'


def open_lookups(browser):
    """The popup with its folded live-lookup settings opened, as a user opens them."""
    popup = browser.open_popup()
    popup.click("#lookups-fold summary")
    popup.wait_for_selector("#lookups li")
    return popup


def test_section_lists_every_provider_off_and_stores_a_checkbox(paired, companion):
    popup = open_lookups(paired)
    assert popup.is_visible("#lookups-section")
    assert popup.text_content("#lookups-section h2") == "실시간 조회 (선택)"
    assert "꺼" in popup.text_content("#lookups-section .hint")
    shown = rows(popup)
    assert list(shown) == PROVIDERS
    assert all(not r["enabled"] and not r["checked"] for r in shown.values())
    assert "차이냐오" in shown["cainiao"]["name"]
    assert "global.cainiao.com" in shown["cainiao"]["sends"]
    assert all(r["name"].strip() and r["sends"].strip() for r in shown.values())
    assert popup.get_attribute('#lookups li[data-provider="unipass"] .lookup-key', "type") == "password"

    popup.check(checkbox("cainiao"))
    popup.wait_for_selector('#lookups li[data-provider="cainiao"][data-enabled="true"]')
    assert not popup.is_visible("#lookups-result.error")
    stored = companion_settings(companion)
    assert stored["cainiao"]["enabled"] is True
    assert [p for p, s in stored.items() if s["enabled"]] == ["cainiao"]

    # what the companion stored is what a new popup shows
    popup.close()
    popup = paired.open_popup()
    popup.wait_for_selector('#lookups li[data-provider="cainiao"][data-enabled="true"]')
    assert popup.is_checked(checkbox("cainiao"))

    popup.uncheck(checkbox("cainiao"))
    popup.wait_for_selector('#lookups li[data-provider="cainiao"][data-enabled="false"]')
    assert companion_settings(companion)["cainiao"]["enabled"] is False


def test_unipass_needs_a_key_which_is_never_shown_again(paired, companion):
    popup = open_lookups(paired)
    unipass = '#lookups li[data-provider="unipass"]'
    assert popup.text_content(f"{unipass} .lookup-key-state") == "인증키 없음"

    # without a key: the 409 becomes a clear error and the box stays off (click, not check():
    # the popup may turn the box off again before Playwright looks at it)
    popup.click(checkbox("unipass"))
    popup.wait_for_selector("#lookups-result.error")
    assert "UNI-PASS를 켜려면 먼저 인증키를 넣어 주세요" in popup.text_content("#lookups-result")
    assert not popup.is_checked(checkbox("unipass"))
    assert popup.get_attribute(unipass, "data-enabled") == "false"
    assert companion_settings(companion)["unipass"]["enabled"] is False

    # a malformed key is refused before it leaves the popup
    popup.fill(f"{unipass} .lookup-key", "short")
    popup.click(f"{unipass} .lookup-key-save")
    popup.wait_for_selector("#lookups-result.error:has-text('8–64')")
    assert companion_settings(companion)["unipass"]["key_set"] is False

    # with a key it can be turned on
    popup.fill(f"{unipass} .lookup-key", KEY)
    popup.click(f"{unipass} .lookup-key-save")
    popup.wait_for_selector(f'{unipass} .lookup-key-state[data-key-set="true"]')
    assert popup.text_content(f"{unipass} .lookup-key-state") == "인증키 저장됨"
    assert popup.input_value(f"{unipass} .lookup-key") == ""
    assert companion_settings(companion)["unipass"]["key_set"] is True
    popup.check(checkbox("unipass"))
    popup.wait_for_selector(f'{unipass}[data-enabled="true"]')
    assert not popup.is_visible("#lookups-result.error")
    stored = companion_settings(companion)
    assert stored["unipass"]["enabled"] is True
    assert KEY not in str(stored)

    # the key is nowhere in the popup's DOM, now or in a new popup
    for page in (popup, paired.open_popup()):
        page.wait_for_selector(f'{unipass}[data-enabled="true"]')
        dom = page.evaluate(
            "() => document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join('|')"
        )
        assert KEY not in dom
        assert page.text_content(f"{unipass} .lookup-key-state") == "인증키 저장됨"
    assert KEY not in companion.log_text()


def test_section_follows_the_popup_language(paired, companion):
    popup = open_lookups(paired)
    popup.select_option("#lang", "en")
    popup.wait_for_selector("html[lang=en]", state="attached")
    popup.wait_for_selector("#lookups-section h2:has-text('Live lookups (optional)')")
    popup.wait_for_function(
        "() => document.querySelector('#lookups li[data-provider=\"unipass\"] .lookup-name').textContent"
        " === 'Korea Customs UNI-PASS'"
    )
    popup.click(checkbox("unipass"))
    popup.wait_for_selector("#lookups-result.error:has-text('Enter your UNI-PASS key first')")


def test_section_is_hidden_until_paired(browser, companion):
    companion.start()
    browser.set_storage({"port": companion.port})
    popup = browser.open_popup()
    assert popup.get_attribute("#companion-status", "data-state") == "unpaired"
    assert popup.is_hidden("#lookups-section")
    assert popup.locator("#lookups li").count() == 0
