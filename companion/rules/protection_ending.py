"""Buyer protection ends within 7 days and the parcel has not arrived: act now.

Example: "Refund if no delivery before Oct 4, 2026", captured 2026-09-30, parcel in transit
→ protection_ending, wait until 2026-10-04.
"""

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import finding
from companion.rules.base import protection_evidence

CAUSE = "protection_ending"


def check(case):
    protection = case.order.protection_until
    if protection is None or case.order.status in ("cancelled", "completed", "awaiting_payment"):
        return None
    if case.parcels and not case.active:
        return None
    left = (protection - case.today).days
    if not 0 <= left <= case.t("protection_warning_days"):
        return None
    order_id = case.order.order_id
    return finding(
        CAUSE,
        "action",
        (
            f"보호 기간 {left}일 남음",
            f"{day_ko(protection, case)}까지 배송되지 않으면 환불받을 수 있는데, 아직 도착하지 않았어요. "
            "그날이 지나면 분쟁을 열기 어려워져요. 지금 분쟁을 열거나 판매자에게 보호 기간 연장을 요청하세요.",
        ),
        (
            f"Protection ends in {left} days",
            f"You are covered if it is not delivered by {day_en(protection, case)}, and it has not arrived. "
            "Open a dispute now, or ask the seller to extend the protection.",
        ),
        wait_until=protection,
        actions=[links.link("dispute", order_id=order_id), links.link("seller", order_id=order_id)],
        evidence=[protection_evidence(case)],
    )
