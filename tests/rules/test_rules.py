"""Each rule's own examples, one firing case and its near misses, and the priority between them."""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest

from datetime import date

from companion import dates
from companion import rules
from companion.rules import build_case
from companion.models import Finding
from companion.rules import evaluate
from tests.rules.builders import NOW
from tests.rules.builders import causes
from tests.rules.builders import event
from tests.rules.builders import findings
from tests.rules.builders import order
from tests.rules.builders import parcel

SWX = "SWX900000000000000404"

# (id, order, expected primary cause, tracking seen)
EXAMPLES = [
    ("cancelled", order("cancelled"), "cancelled", False),
    ("not_paid", order("awaiting_payment"), "not_paid", False),
    ("delivered:completed", order("completed"), "delivered", False),
    ("delivered:all-parcels", order("awaiting_delivery", parcel("520000000707", event("2026-09-03 10:00", "AE_GTMS_SIGNED"), carrier="Hanjin")), "delivered", True),
    ("refund:protection-passed", order("awaiting_delivery", parcel(SWX, event("2026-07-22 09:00", "AE_LH_HO_AIRLINE")), ordered="2026-07-10", protection="2026-09-10"), "refund_eligible", True),
    ("refund:60-days", order("awaiting_delivery", parcel(SWX, event("2026-07-22 09:00", "AE_LH_HO_AIRLINE")), ordered="2026-07-10"), "refund_eligible", True),
    ("refund:failed", order("awaiting_delivery", parcel(SWX, event("2026-09-29 09:00", None, "Delivery attempt unsuccessful"))), "refund_eligible", True),
    ("customs_hold:days", order("awaiting_delivery", parcel(SWX, event("2026-09-22 10:00", "AE_CC_IM_START"))), "customs_hold", True),
    ("customs_hold:duties", order("awaiting_delivery", parcel(SWX, event("2026-09-29 10:00", None, "관부가세 납부 대기 중"), event("2026-09-28 10:00", "AE_CC_IM_START"))), "customs_hold", True),
    ("protection_ending", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS")), protection="2026-10-04"), "protection_ending", True),
    ("carrier_system_error:check-digit", order("awaiting_delivery", parcel("RB123456786CN", event("2026-09-27 10:00", "AE_GWMS_OUTBOUND"))), "carrier_system_error", True),
    ("carrier_system_error:future", order("awaiting_delivery", parcel(SWX, event("2026-10-20 10:00", "AE_LH_DEPART_SUCCESS"))), "carrier_system_error", True),
    ("handed_over", order("awaiting_delivery", parcel(SWX, event("2026-09-26 10:00", "AE_GTMS_SC_DEPART"), event("2026-09-25 10:00", "AE_GTMS_ACCEPT"), carrier="CJ", domestic="561000000505")), "handed_over", True),
    ("customs_in_progress", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_CC_IM_START"))), "customs_in_progress", True),
    ("untracked_service", order("awaiting_delivery", parcel("LP00900000000303", event("2026-09-02 10:00", "AE_LH_HO_AIRLINE"), service="Cainiao Super Economy Global"), ordered="2026-08-28"), "untracked_service", True),
    ("stalled", order("awaiting_delivery", parcel(SWX, event("2026-09-15 10:00", "AE_LH_DEPART_SUCCESS"))), "stalled", True),
    ("number_not_issued", order("awaiting_delivery", parcel(None, event("2026-09-26 10:00", "AE_GWMS_OUTBOUND"), event("2026-09-25 10:00", "AE_ORDER_PAID"), blocked=True), ordered="2026-09-25"), "number_not_issued", True),
    ("update_delay", order("awaiting_delivery", parcel("LP00123456789012", event("2026-09-27 10:00", "AE_GWMS_OUTBOUND")), ordered="2026-09-25"), "update_delay", True),
    ("not_shipped:status", order("awaiting_shipment", ordered="2026-09-29"), "not_shipped", False),
    ("not_shipped:events", order("unknown", parcel(None, event("2026-09-29 10:00", "AE_ORDER_PAID"), event("2026-09-29 09:00", "AE_ORDER_PLACED")), ordered="2026-09-29"), "not_shipped", True),
    ("taking_long", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="AliExpress Selection Standard"), ordered="2026-08-25"), "taking_long", True),
    ("taking_long:never-tracked", order("awaiting_delivery", ordered="2026-08-25"), "taking_long", False),
    ("refund:default-protection-never-tracked", order("awaiting_delivery", ordered="2026-07-10"), "refund_eligible", False),
    ("refund:default-protection-recent-events", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_LH_DEPART_SUCCESS"), event("2026-07-23 10:00", "AE_GWMS_OUTBOUND")), ordered="2026-07-20"), "refund_eligible", True),
    ("refund:default-protection-in-customs", order("awaiting_delivery", parcel(SWX, event("2026-09-29 10:00", "AE_CC_IM_START"), event("2026-07-23 10:00", "AE_GWMS_OUTBOUND")), ordered="2026-07-20"), "refund_eligible", True),
    ("tracking_not_checked", order("awaiting_delivery"), "tracking_not_checked", False),
    ("in_transit", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"))), "in_transit", True),
]

# Near misses: the situation that looks like a cause but is another (tracking seen unless False).
NEAR_MISSES = [
    ("untracked is not stalled before its promise", order("awaiting_delivery", parcel("LP00900000000303", event("2026-09-10 10:00", "AE_LH_HO_AIRLINE"), service="AliExpress Saver Shipping"), ordered="2026-08-28"), "stalled"),
    ("the page's protection date beats 60 days", order("awaiting_delivery", parcel(SWX, event("2026-07-22 09:00", "AE_LH_HO_AIRLINE")), ordered="2026-07-10", protection="2026-10-20"), "refund_eligible"),
    ("day 5 of customs is not yet a hold", order("awaiting_delivery", parcel(SWX, event("2026-09-25 10:00", "AE_CC_IM_START"))), "customs_hold"),
    ("9 quiet days is not stalled", order("awaiting_delivery", parcel(SWX, event("2026-09-21 10:00", "AE_LH_DEPART_SUCCESS"))), "stalled"),
    ("a delivered parcel is not in customs", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_GTMS_SIGNED"), event("2026-09-20 10:00", "AE_CC_IM_START"))), "customs_in_progress"),
    ("a list order is not 'number not issued'", order("awaiting_delivery"), "number_not_issued", False),
    ("a failed check digit with carrier events is a real number", order("awaiting_delivery", parcel("RB123456786CN", event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"))), "carrier_system_error"),
    ("day 21 of Selection Standard is not taking long", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="AliExpress Selection Standard"), ordered="2026-09-10"), "taking_long"),
    ("day 23 of Super Economy is not taking long", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="Cainiao Super Economy Global"), ordered="2026-09-08"), "taking_long"),
    ("the page's protection date beats the default window", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_LH_DEPART_SUCCESS"), event("2026-07-23 10:00", "AE_GWMS_OUTBOUND")), ordered="2026-07-20", protection="2026-10-20"), "refund_eligible"),
    ("the default window counts from shipping, not ordering", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_LH_DEPART_SUCCESS")), ordered="2026-07-20", shipped="2026-08-05"), "refund_eligible"),
    ("a delivered old order is not overdue", order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_GTMS_SIGNED")), ordered="2026-07-01"), "refund_eligible"),
    ("a completed old order is not taking long", order("completed", ordered="2026-07-01"), "taking_long", False),
    ("protection 8 days away is not ending", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS")), protection="2026-10-08"), "protection_ending"),
]


@pytest.mark.parametrize("built, expected, seen", [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_example_gives_its_cause(built, expected, seen):
    assert causes(built, tracking_seen=seen)[0] == expected


@pytest.mark.parametrize("miss", [m[1:] for m in NEAR_MISSES], ids=[m[0] for m in NEAR_MISSES])
def test_near_miss_does_not_fire(miss):
    built, cause, *seen = miss
    assert cause not in causes(built, tracking_seen=seen[0] if seen else True)


def test_every_cause_has_an_example_and_a_docstring():
    covered = {e[2] for e in EXAMPLES}
    assert set(rules.CAUSES) == covered, f"add an example to EXAMPLES for {set(rules.CAUSES) - covered}"
    for rule in rules.RULES:
        assert rule.__doc__ and "Example:" in rule.__doc__, f"{rule.__name__} needs a docstring with an Example:"


def test_causes_match_the_design():
    assert set(rules.CAUSES) == {
        "not_shipped", "number_not_issued", "update_delay", "untracked_service", "customs_in_progress",
        "customs_hold", "carrier_system_error", "handed_over", "stalled", "refund_eligible",
        "protection_ending", "in_transit", "delivered", "tracking_not_checked", "not_paid", "cancelled", "taking_long",
    }


@pytest.mark.parametrize("built, expected, seen", [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_every_finding_is_complete_in_both_languages(built, expected, seen):
    for found in findings(built, tracking_seen=seen):
        assert isinstance(found, Finding)
        assert found.severity in {"ok", "info", "wait", "action"}
        for text in (found.title_ko, found.title_en, found.explanation_ko, found.explanation_en):
            assert text and "{" not in text and "None" not in text
        assert any("\uac00" <= ch <= "\ud7a3" for ch in found.explanation_ko), "Korean copy is Korean"
        assert found.explanation_ko.rstrip().endswith(("요.", "요", ")", "세요.")), found.explanation_ko
        for action in found.actions:
            assert action.url.startswith("https://")


def test_customs_wait_is_counted_from_the_start_of_clearance():
    built = order("awaiting_delivery", parcel(SWX, event("2026-09-27 14:02", "AE_CC_IM_START")))
    (found, *_) = findings(built, now="2026-09-29T10:00:00+09:00")
    assert found.cause == "customs_in_progress"
    assert found.wait_until.isoformat() == "2026-10-02"
    assert "10월 2일까지" in found.explanation_ko
    assert "통관 3일째" in found.explanation_ko


def test_the_unipass_step_says_which_number_goes_in_which_box():
    for built in (
        order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_CC_IM_START"))),
        order("awaiting_delivery", parcel(SWX, event("2026-09-22 10:00", "AE_CC_IM_START"))),
    ):
        (found, *_) = findings(built)
        assert "H B/L 칸" in found.explanation_ko and SWX in found.explanation_ko, found.explanation_ko
        assert "H B/L" in found.explanation_en and SWX in found.explanation_en


def test_hand_over_links_the_courier_with_its_number():
    built = order("awaiting_delivery", parcel(SWX, event("2026-09-26 10:00", "AE_GTMS_SC_DEPART"), carrier="CJ", domestic="561000000505"))
    (found, *_) = findings(built)
    courier = [a for a in found.actions if a.kind == "courier"]
    assert courier and "561000000505" in courier[0].url
    assert "CJ대한통운" in found.title_ko


def test_customs_hold_gives_unipass_and_the_pccc_advice():
    built = order("awaiting_delivery", parcel(SWX, event("2026-09-22 10:00", "AE_CC_IM_START")))
    (found, *_) = findings(built)
    assert {a.kind for a in found.actions} >= {"customs", "tracker"}
    assert "개인통관고유부호" in found.explanation_ko
    assert any("unipass.customs.go.kr" in a.url for a in found.actions)


def test_order_age_is_counted_and_judged_from_its_dates():
    """"주문 N일째": the order day is day 1; the usual window, then buyer protection, judge it."""
    from companion import dates
    from companion.rules import build_case

    def case(ordered, **kw):
        return build_case(order("awaiting_delivery", ordered=ordered, **kw), dates.parse_iso(NOW))

    assert case("2026-09-30").age == 1
    assert case("2026-09-10").age == 21 and case("2026-09-10").age_state == "usual"  # day 21: the last usual day of 5–21
    assert case("2026-09-09").age_state == "slow"  # day 22
    # No shipping date seen: protection = order + 7 days handling + 60 days → 2026-07-23 + 67 = 09-28.
    assert case("2026-07-25").protection_end == (date(2026, 9, 30), "default") and case("2026-07-25").age_state == "slow"
    assert case("2026-07-24").age_state == "overdue"
    assert case("2026-07-01", protection="2026-10-01").age_state == "slow"  # the page's date wins
    assert build_case(order("completed", ordered="2026-07-01"), dates.parse_iso(NOW)).age_state is None


def test_taking_long_says_the_age_the_usual_window_and_the_next_step():
    built = order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="AliExpress Selection Standard"), ordered="2026-08-25")
    (found, *_) = findings(built)
    assert found.title_ko == "오래 걸리고 있어요" and found.severity == "wait"
    assert "주문 37일째" in found.explanation_ko and "보통 5–21일" in found.explanation_ko
    assert "분쟁" in found.explanation_ko and {"seller", "tracker"} <= {a.kind for a in found.actions}


def test_overdue_by_default_window_is_an_action_with_the_dispute_step():
    (found, *_) = findings(order("awaiting_delivery", ordered="2026-07-10"), tracking_seen=False)
    assert found.cause == "refund_eligible" and found.severity == "action"
    assert "주문 83일째" in found.explanation_ko and "분쟁" in found.explanation_ko
    assert any(a.kind == "dispute" for a in found.actions)
    assert any("발송 후 60일로 계산" in e.ko for e in found.evidence)


def test_usual_days_come_from_the_users_history_once_there_are_three():
    from companion import dates
    from companion.rules import build_case

    built = order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="AliExpress Standard Shipping"), ordered="2026-09-12")
    two = build_case(built, dates.parse_iso(NOW), history={"standard": [8, 9]})
    assert two.usual.basis == "default" and (two.usual.low, two.usual.high) == (5, 21)
    five = build_case(built, dates.parse_iso(NOW), history={"standard": [8, 9, 10, 10, 12]})
    assert five.usual.basis == "history" and five.usual.count == 5
    assert (five.usual.low, five.usual.high) == (8, 12)  # median 10, spread 2
    assert five.age_state == "slow"  # day 19 is past the user's own 12
    (found, *_) = evaluate(five)
    assert found.cause == "taking_long" and "내 기록 5건 기준" in found.explanation_ko
    assert build_case(built, dates.parse_iso(NOW), history={"economy": [30, 31, 40]}).usual.basis == "default"


def test_evidence_is_korean_sentences_with_codes_behind_details():
    built = order("awaiting_delivery", parcel(SWX, event("2026-09-28 10:00", "AE_CC_IM_START", "Import customs clearance started")))
    (found, *_) = findings(built)
    ko = [e.ko for e in found.evidence]
    assert ko and all(any("가" <= ch <= "힣" for ch in line) for line in ko)
    assert not any("AE_CC_IM_START" in line or "Import customs" in line for line in ko), ko
    assert "통관 시작" in ko[0]
    assert any("AE_CC_IM_START" in e.detail for e in found.evidence)


def test_thresholds_are_all_read_and_day_windows_are_not_written_into_sentences():
    import json
    from pathlib import Path

    import companion.rules as package

    root = Path(package.__file__).parent
    code = "".join(p.read_text(encoding="utf-8") for p in root.glob("*.py")) + (root.parent / "report.py").read_text(encoding="utf-8")
    for key in json.loads((root / "thresholds.json").read_text(encoding="utf-8")):
        assert key.startswith("_") or f'"{key}"' in code or f"'{key}'" in code, f"{key} is never read"
    import re

    for path in root.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith(("f\"", "\"", "(", "ko", "en")) and not line.lstrip().startswith("\"\"\"") and re.search(r"\d+[–-]\d+\s*(일|days)", line):
                raise AssertionError(f"{path.name}: a day window written into a sentence: {line.strip()}")


def test_17track_opens_in_the_users_language_and_trackers_follow_the_international_number():
    from companion import dates
    from companion.report import finding_json
    from companion.rules import build_case

    built = order("awaiting_delivery", parcel(SWX, event("2026-09-26 10:00", "AE_GTMS_SC_DEPART"), carrier="CJ", domestic="561000000505"))
    (found, *_) = findings(built)
    urls = {lang: [a["url"] for a in finding_json(found, date(2026, 9, 30), lang)["actions"]] for lang in ("ko", "en")}
    assert "https://t.17track.net/en#nums=" + SWX in urls["en"] and "https://t.17track.net/ko#nums=" + SWX in urls["ko"]
    cainiao = next(u for u in urls["ko"] if "cainiao" in u)
    courier = next(a.url for a in found.actions if a.kind == "courier")
    assert SWX in cainiao and "561000000505" not in cainiao  # Cainiao knows the international number
    assert "561000000505" in courier


def test_rule_modules_hold_only_a_cause_and_a_check():
    """Each rule module defines two public names, ``CAUSE`` (its own module name) and
    ``check(case)``; everything else it defines is a private helper of that check."""
    for rule in rules.RULES:
        module = importlib.import_module(rule.__name__)
        tree = ast.parse(inspect.getsource(module))
        defined = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined |= {t.id for t in targets if isinstance(t, ast.Name)}
        assert {name for name in defined if not name.startswith("_")} == {"CAUSE", "check"}, rule.__name__
        assert module.CAUSE == rule.__name__.rsplit(".", 1)[1]
        assert list(inspect.signature(module.check).parameters)[0] == "case"


# --- each rule's docstring example, run -----------------------------------------------------------
# (cause, order, tracking seen, what the example says follows: wait_until, protection end, a link
# number, the captured "now"). Every code, number and date the docstring's "Example:" names must
# appear in its entry here, so the prose and the test cannot drift apart.
DOCSTRING_EXAMPLES = [
    ("cancelled", order("cancelled"), False, {}),
    ("not_paid", order("awaiting_payment"), False, {}),
    ("delivered", order("awaiting_delivery", parcel("520000000707", event("2026-09-03 10:00", "AE_GTMS_SIGNED", "Package delivered."), carrier="Hanjin")), True, {}),
    ("refund_eligible", order("awaiting_delivery", parcel(SWX, event("2026-07-22 09:00", "AE_LH_HO_AIRLINE")), ordered="2026-07-10", protection="2026-09-10"), True, {}),
    ("refund_eligible", order("awaiting_delivery", ordered="2026-07-10"), False, {"protection_end": ("2026-09-15", "default")}),
    ("customs_hold", order("awaiting_delivery", parcel(SWX, event("2026-09-22 10:00", "AE_CC_IM_START"))), True, {"words": "9 days"}),
    ("protection_ending", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS")), protection="2026-10-04"), True, {"wait_until": "2026-10-04"}),
    ("carrier_system_error", order("awaiting_delivery", parcel("RB123456786CN", event("2026-09-27 10:00", "AE_GWMS_OUTBOUND"))), True, {}),
    ("handed_over", order("awaiting_delivery", parcel(SWX, event("2026-09-26 10:00", "AE_GTMS_SC_DEPART"), carrier="CJ", domestic="561000000505")), True, {"link": "561000000505"}),
    ("customs_in_progress", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_CC_IM_START"))), True, {"now": "2026-09-29", "wait_until": "2026-10-02"}),
    ("untracked_service", order("awaiting_delivery", parcel("LP00900000000303", event("2026-09-02 10:00", "AE_LH_HO_AIRLINE"), service="Cainiao Super Economy Global"), ordered="2026-08-28"), True, {}),
    ("stalled", order("awaiting_delivery", parcel(SWX, event("2026-09-15 10:00", "AE_LH_DEPART_SUCCESS"))), True, {}),
    ("number_not_issued", order("awaiting_delivery", parcel(None, event("2026-09-26 10:00", "AE_GWMS_OUTBOUND"), event("2026-09-25 10:00", "AE_ORDER_PAID"), event("2026-09-25 09:00", "AE_ORDER_PLACED"), blocked=True), ordered="2026-09-25"), True, {"wait_until": "2026-10-03"}),
    ("update_delay", order("awaiting_delivery", parcel("LP00123456789012", event("2026-09-27 10:00", "AE_GWMS_OUTBOUND"), event("2026-09-25 10:00", "AE_ORDER_PAID")), ordered="2026-09-25"), True, {"wait_until": "2026-10-04"}),
    ("not_shipped", order("awaiting_shipment", ordered="2026-09-29"), False, {"wait_until": "2026-10-06"}),
    ("taking_long", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"), service="AliExpress Selection Standard"), ordered="2026-08-25"), True, {"wait_until": "protection end"}),
    ("tracking_not_checked", order("awaiting_delivery"), False, {}),
    ("in_transit", order("awaiting_delivery", parcel(SWX, event("2026-09-27 10:00", "AE_LH_DEPART_SUCCESS"))), True, {}),
]
_NAMED = re.compile(r"\b(AE_[A-Z_]+|[A-Z]{2}\d{9}[A-Z]{2}|LP\d{14}|\d{12,14}|\d{4}-\d{2}-\d{2})\b")


@pytest.mark.parametrize("cause, built, seen, follows", DOCSTRING_EXAMPLES, ids=[f"{e[0]}:{i}" for i, e in enumerate(DOCSTRING_EXAMPLES)])
def test_a_rules_docstring_example_holds(cause, built, seen, follows):
    now = f"{follows.get('now', NOW[:10])}{NOW[10:]}"
    found = findings(built, now=now, tracking_seen=seen)[0]
    assert found.cause == cause
    wait = follows.get("wait_until")
    if wait == "protection end":
        assert found.wait_until == build_case(built, dates.parse_iso(now)).protection_end[0]
    elif wait:
        assert found.wait_until == date.fromisoformat(wait)
    if "protection_end" in follows:
        end, who = follows["protection_end"]
        assert build_case(built, dates.parse_iso(now)).protection_end == (date.fromisoformat(end), who)
    if "link" in follows:
        assert any(follows["link"] in action.url for action in found.actions)
    if "words" in follows:
        assert follows["words"] in found.explanation_en


def test_every_docstring_example_is_run_as_written():
    source = inspect.getsource(importlib.import_module(__name__))
    entries = [line for line in source.splitlines() if line.startswith('    ("') and line.rstrip().endswith("}),")]
    for rule in rules.RULES:
        example = rule.__doc__[rule.__doc__.index("Example:"):]
        mine = " ".join(line for line in entries if line.startswith(f'    ("{rule.CAUSE}",'))
        assert mine, f"{rule.CAUSE}: its docstring example has no entry in DOCSTRING_EXAMPLES"
        named = set(_NAMED.findall(example)) - {NOW[:10]}  # "captured 2026-09-30" is the tests' NOW
        assert {n for n in named if n not in mine} == set(), rule.__name__
