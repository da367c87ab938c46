"""In Korean import customs for 5 days or less: normal, usually done within customs_normal_days.

Example: AE_CC_IM_START on 2026-09-27, captured 2026-09-29 → customs_in_progress, wait until
2026-10-02 (3 days left).
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import finding

CAUSE = "customs_in_progress"


def check(case):
    for parcel in case.active:
        if parcel.stage == "customs" and parcel.hold_event is None:
            return _finding(case, parcel)
    return None


def _finding(case, parcel):
    since = parcel.customs_since
    until = since + timedelta(days=case.t("customs_hold_days")) if since else None
    nth = case.days_since(since) + 1 if since else None
    normal = case.t("customs_normal_days")
    when_ko = f"통관 {nth}일째예요. " if nth else ""
    when_en = f"Day {nth} of clearance. " if nth else ""
    wait_ko = f"{day_ko(until, case)}까지 기다려 보세요." if until else "며칠 기다려 보세요."
    wait_en = f"Give it until {day_en(until, case)}." if until else "Give it a few days."
    return finding(
        CAUSE,
        "wait",
        (
            "통관 진행 중",
            f"한국 세관에서 통관(수입 물품 심사)을 하고 있어요. {when_ko}보통 {normal}일 안에 끝나요. {wait_ko} "
            f"UNI-PASS 화물진행정보의 H B/L 칸에 운송장 번호{f'({parcel.number})' if parcel.number else ''}를 넣으면 세관 진행 상황을 볼 수 있어요.",
        ),
        (
            "In customs",
            f"Korean customs is clearing the parcel. {when_en}It usually takes up to {normal} days. {wait_en} "
            f"UNI-PASS cargo status shows the progress (enter the tracking number{f' {parcel.number}' if parcel.number else ''} in the H B/L box).",
        ),
        wait_until=until,
        actions=[links.link("unipass_cargo")] + links.trackers(parcel.number),
        evidence=[event_evidence(parcel.last_event, case)],
    )
