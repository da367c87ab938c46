"""Whether an order's tracking was seen is a field (``Order.tracking``), never read from the
evidence labels in ``Order.sources``: renaming every label changes no answer."""

from __future__ import annotations

import copy
import json

import pytest

from companion import dates
from companion import parsing
from companion import store
from companion.diagnosis import diagnose
from companion.models import Tracking
from companion.store import History
from tests.conftest import FIXTURES
from tests.test_parse_cache import CAPTURES
from tests.test_parse_cache import capture_of


def check_all(history: History) -> list[dict]:
    """What "check all" does: every list, every tracking page, every list again."""
    lists = [p for p in CAPTURES if p.parent.name == "order_list"]
    steps = [*lists, *CAPTURES, *lists]
    answers = []
    for path in steps:
        answers.append(diagnose(copy.deepcopy(capture_of(path)), store=history))
    return answers


def test_renaming_every_evidence_label_changes_no_answer(tmp_path, monkeypatch):
    plain = check_all(History(tmp_path / "plain.sqlite3"))
    read = parsing.parse

    def renamed(capture):
        page = read(capture)
        for order in page.orders:
            order.sources = [f"label {n}" for n, _ in enumerate(order.sources)]
        return page

    monkeypatch.setattr(parsing, "parse", renamed)
    monkeypatch.setattr(store, "HISTORY_SOURCE", "label from the history")
    assert check_all(History(tmp_path / "renamed.sqlite3")) == plain
    causes = {o["diagnosis"]["cause"] for answer in plain for o in answer["orders"]}
    assert {"tracking_not_checked", "number_not_issued", "in_transit"} <= causes  # the answers turn on it


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.capture.json')}")
def test_tracking_is_read_from_a_tracking_page_or_payload_only(path):
    page = parsing.parse(capture_of(path))
    payload_apis = {str(p.get("api")) for p in json.loads(path.read_text(encoding="utf-8"))["payloads"]}
    tracking_capture = page.kind == "tracking" or any("querydetail" in a or "cainiao" in a.lower() for a in payload_apis)
    for order in page.orders:
        assert order.tracking is (Tracking.READ if tracking_capture else Tracking.NOT_SEEN), order.order_id


def test_the_history_remembers_tracking_but_never_claims_it_was_read_now(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    diagnose(capture_of(FIXTURES / "tracking" / "ko_0101.capture.json"), store=history)
    listed = parsing.parse(capture_of(FIXTURES / "order_list" / "ko_page1.capture.json"))
    history.recall_many(listed.orders, dates.parse_iso("2026-09-30T10:00:00+09:00"))
    seen = {o.order_id[-4:]: o.tracking for o in listed.orders}
    assert seen["0101"] is Tracking.REMEMBERED
    assert {t for suffix, t in seen.items() if suffix != "0101"} == {Tracking.NOT_SEEN}
