"""Every fixture capture against its expected JSON (recipe-scrapers style: one test per pair).

A fixture is ``tests/fixtures/<kind>/<name>.capture.json`` (url, captured_at, lang, payloads),
the page beside it as ``<name>.html`` when there is one, and ``<name>.expected.json``: exactly
what ``POST /v1/diagnose`` answers. After a deliberate change, rewrite the expected files with
``PARCEL_DOCTOR_UPDATE_EXPECTED=1 ./scripts/test tests/parsing/test_fixtures.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CAPTURES = sorted(FIXTURES.glob("*/*.capture.json"))
UPDATE = os.environ.get("PARCEL_DOCTOR_UPDATE_EXPECTED") == "1"

# The documented cause of each order in each fixture (docs/facts/aliexpress-pages.md §7 and the fixtures'
# README): a second, hand-written check, so a regenerated expected file cannot quietly go wrong.
CAUSES = {
    # On a list page the order's age speaks even before tracking is read: 0303 (day 34) is past
    # the usual 5–21 days, 0606 (day 83) past the default buyer-protection window.
    "order_list/ko_page1": {"0101": "tracking_not_checked", "0202": "tracking_not_checked", "0303": "taking_long", "0404": "tracking_not_checked", "0505": "tracking_not_checked"},
    "order_list/ko_page2": {"0101": "tracking_not_checked", "0303": "taking_long", "0606": "refund_eligible", "0707": "delivered", "0808": "not_shipped", "0909": "cancelled"},
    "order_list/en_twin": {"0101": "tracking_not_checked", "0606": "refund_eligible", "0707": "delivered", "0808": "not_shipped", "0909": "cancelled"},
    "order_list/ko_dom_only": {"0101": "tracking_not_checked", "0303": "taking_long", "0505": "tracking_not_checked"},
    "order_list/payload_only": {"0101": "tracking_not_checked", "0303": "taking_long", "0505": "tracking_not_checked"},
    "order_detail/ko_0404": {"0404": "customs_in_progress"},
    "order_detail/en_0606": {"0606": "refund_eligible"},
    "order_detail/en_real_shape": {"0707": "delivered"},
    "tracking/ko_0101": {"0101": "in_transit"},
    "tracking/ko_0202": {"0202": "number_not_issued"},
    "tracking/ko_0303": {"0303": "untracked_service"},
    "tracking/ko_0404": {"0404": "customs_in_progress"},
    "tracking/en_0404": {"0404": "customs_in_progress"},
    "tracking/dom_only_0404": {"0404": "customs_in_progress"},
    "tracking/ko_0505": {"0505": "handed_over"},
    "tracking/ko_0505_variant_b": {"0505": "handed_over"},
    "tracking/ko_0606": {"0606": "refund_eligible"},
    "tracking/ko_0707": {"0707": "delivered"},
    "tracking/ko_0808": {"0808": "not_shipped"},
    "tracking/ko_hold_0410": {"0410": "customs_hold"},
    "generic/ko_email": {},
    "generic/en_shop": {},
}


def name_of(capture: Path) -> str:
    return f"{capture.parent.name}/{capture.name.removesuffix('.capture.json')}"


def request_of(capture: Path) -> dict:
    meta = json.loads(capture.read_text(encoding="utf-8"))
    body = {k: meta[k] for k in ("url", "captured_at", "lang", "payloads") if k in meta}
    page = capture.with_name(capture.name.replace(".capture.json", ".html"))
    if page.exists():
        body["html"] = page.read_text(encoding="utf-8")
    return body


def test_every_fixture_has_a_documented_cause():
    assert {name_of(c) for c in CAPTURES} == set(CAUSES), "add the new fixture to CAUSES"


@pytest.mark.parametrize("capture", CAPTURES, ids=name_of)
def test_fixture_matches_expected_json(capture, client, auth):
    response = client.post("/v1/diagnose", json=request_of(capture), headers=auth)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    expected_file = capture.with_name(capture.name.replace(".capture.json", ".expected.json"))
    if UPDATE or not expected_file.exists():
        expected_file.write_text(json.dumps(answer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{expected_file.name} did not exist and was written; read it, then commit it")
    assert answer == json.loads(expected_file.read_text(encoding="utf-8"))
    causes = {o["order_id"][-4:]: o["diagnosis"]["cause"] for o in answer["orders"]}
    for suffix, cause in CAUSES[name_of(capture)].items():
        assert causes.get(suffix) == cause, f"order …{suffix}"
    assert answer["warnings"] == []


def test_list_overlays_use_what_the_tracking_pages_taught(client, auth):
    """After each order's tracking page was seen ("check all"), the list page knows every cause."""
    for capture in CAPTURES:
        if capture.parent.name == "tracking" and capture.name.startswith("ko_0"):
            client.post("/v1/diagnose", json=request_of(capture), headers=auth)
    answer = client.post("/v1/diagnose", json=request_of(FIXTURES / "order_list" / "ko_page2.capture.json"), headers=auth).get_json()
    causes = {o["order_id"][-4:]: o["diagnosis"]["cause"] for o in answer["orders"]}
    assert causes == {
        "0101": "in_transit", "0202": "number_not_issued", "0303": "untracked_service", "0404": "customs_in_progress",
        "0505": "handed_over", "0606": "refund_eligible", "0707": "delivered", "0808": "not_shipped", "0909": "cancelled",
    }
    listed = client.get("/v1/orders?limit=3", headers=auth).get_json()
    assert len(listed["orders"]) == 3 and listed["next_cursor"]
    rest = client.get(f"/v1/orders?limit=100&cursor={listed['next_cursor']}", headers=auth).get_json()
    ids = [o["order_id"] for o in listed["orders"] + rest["orders"]]
    assert len(ids) == len(set(ids)) == 9


def test_fixtures_are_what_their_generator_writes():
    """The pages are rendered from one table (make_fixtures.py); a hand edit would drift."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(FIXTURES / "make_fixtures.py"), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
