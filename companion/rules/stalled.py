"""Moving, then nothing for 10 days or more (and less than 60: that is refund_eligible).

Example: last event AE_LH_DEPART_SUCCESS on 2026-09-15, captured 2026-09-30 → stalled.
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import finding

CAUSE = "stalled"


def check(case):
    for parcel in case.active:
        quiet = case.days_since(parcel.last_change)
        if parcel.untracked or not parcel.has_carrier_event or quiet is None:
            continue
        if quiet >= case.t("stall_days"):
            return _finding(case, parcel, quiet)
    return None


def _finding(case, parcel, quiet):
    protection = case.order.protection_until
    until = protection if protection and protection >= case.today else parcel.last_change + timedelta(days=case.t("lost_days"))
    return finding(
        CAUSE,
        "wait",
        (
            f"{quiet}일째 변동 없음",
            f"마지막 배송 기록 뒤로 {quiet}일째 새 소식이 없어요. 항공편이나 배편을 기다리는 중일 수 있어요. "
            f"{day_ko(until, case)}까지는 기다릴 수 있고, 그 전에 판매자에게 배송 상황을 물어보세요.",
        ),
        (
            f"No update for {quiet} days",
            f"Nothing new for {quiet} days since the last scan; it may be waiting for a flight or ship. "
            f"You can wait until {day_en(until, case)}; meanwhile, ask the seller what is happening.",
        ),
        wait_until=until,
        actions=[links.link("seller", order_id=case.order.order_id)] + links.trackers(parcel.number),
        evidence=[event_evidence(parcel.last_event, case)],
    )
