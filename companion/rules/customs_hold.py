"""Held in Korean customs: a hold or duty event, or clearance running past 5 days. The usual
cause is a 개인통관고유부호 whose name or phone does not match the order (docs/facts/carriers.md §5.1).

Example: AE_CC_IM_START on 2026-09-22, captured 2026-09-30 → customs_hold, "clearance has
taken 9 days" (the day it started counts).
"""

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import event_name
from companion.rules.base import evidence
from companion.rules.base import finding

CAUSE = "customs_hold"


def check(case):
    for parcel in case.active:
        if parcel.stage != "customs":
            continue
        days = case.days_since(parcel.customs_since)
        if parcel.hold_event is None and (days is None or days <= case.t("customs_hold_days")):
            continue
        return _finding(case, parcel, days)
    return None


def _finding(case, parcel, days):
    if parcel.hold_event is not None:
        why_ko = f"세관에서 '{event_name(parcel.hold_event, 'ko')}' 상태로 멈춰 있어요."
        why_en = f"Customs shows '{event_name(parcel.hold_event, 'en')}'."
    else:
        normal = case.t("customs_normal_days")
        why_ko = f"통관이 {days + 1}일째 끝나지 않았어요(보통 {normal}일 안에 끝나요)."
        why_en = f"Clearance has taken {days + 1} days (it usually takes up to {normal})."
    actions = [links.link("unipass_cargo"), links.link("unipass_pccc")]
    actions += links.courier(parcel.domestic_carrier.id if parcel.domestic_carrier else None, parcel.domestic_number)
    actions += links.trackers(parcel.number)
    number_ko = f"(H B/L 칸에 운송장 번호 {parcel.number} 입력)" if parcel.number else ""
    number_en = f" (enter {parcel.number} as the H B/L)" if parcel.number else ""
    return finding(
        CAUSE,
        "action",
        (
            "통관 보류",
            f"{why_ko} UNI-PASS 화물진행정보에서 상태를 확인해 보세요{number_ko}. "
            "가장 흔한 원인은 개인통관고유부호(해외 직구 통관용 개인 번호)의 이름·전화번호가 주문의 받는 사람 정보와 다른 경우예요. "
            "다르면 통관을 맡은 택배사나 관세사에 연락해 고쳐 달라고 하고, 관부가세 안내를 받았다면 납부해 주세요.",
        ),
        (
            "Held in customs",
            f"{why_en} Check UNI-PASS cargo status{number_en}. "
            "The usual cause is a personal customs ID (PCCC) whose name or phone does not match the order's recipient. "
            "If so, contact the courier or broker handling clearance to correct it; pay any duties you were asked for.",
        ),
        actions=actions,
        evidence=[
            event_evidence(parcel.hold_event or parcel.last_event, case),
            evidence(f"{day_ko(parcel.customs_since, case)}부터 수입 통관 중", f"In import customs since {day_en(parcel.customs_since, case)}")
            if parcel.customs_since
            else None,
        ],
    )
