"""Each rule's own examples, one firing case and its near misses, and the priority between them."""

from __future__ import annotations

import importlib

import pytest

from companion import rules
from companion.models import Finding
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
        "protection_ending", "in_transit", "delivered", "tracking_not_checked", "not_paid", "cancelled",
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


def test_rule_modules_hold_only_a_cause_and_a_check():
    for rule in rules.RULES:
        module = importlib.import_module(rule.__name__)
        assert isinstance(module.CAUSE, str) and callable(module.check)
