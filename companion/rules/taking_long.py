"""Waiting for longer than this shipping method usually takes (the user's own deliveries of
the method, else the default in usual_days.json), and nothing more specific is known: the
order's age alone says it is late. Buyer protection has not ended (that is refund_eligible).

Example: "AliExpress Selection Standard" ordered 2026-08-25, last event AE_LH_DEPART_SUCCESS on
2026-09-27, captured 2026-09-30 (day 37; usually 5–21 days) → taking_long, wait until the
protection end.
"""

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import finding
from companion.rules.base import protection_evidence
from companion.rules.base import usual_basis

CAUSE = "taking_long"


def check(case):
    if case.age_state != "slow" or case.order.status == "awaiting_shipment":
        return None
    usual = case.usual
    basis_ko, basis_en = usual_basis(usual)
    end = case.protection_end
    order_id = case.order.order_id
    if end is not None:
        day, who = end
        about_ko = "" if who == "page" else "쯤"
        about_en = "" if who == "page" else "about "
        next_ko = f"판매자에게 배송 상황을 물어보고, {day_ko(day, case)}{about_ko}까지 오지 않으면 분쟁을 열어 환불을 요청하세요."
        next_en = f"Ask the seller where it is; if it has not come by {about_en}{day_en(day, case)}, open a dispute for a refund."
    else:
        next_ko = "판매자에게 배송 상황을 물어보고, 구매자 보호 기간이 끝나기 전에 분쟁을 열어 환불을 요청하세요."
        next_en = "Ask the seller where it is, and open a dispute for a refund before buyer protection ends."
    actions = [links.link("seller", order_id=order_id)]
    if not case.tracking_seen:
        actions.insert(0, links.link("aliexpress_tracking", order_id=order_id))
    parcel = next(iter(case.active), None)
    if parcel is not None:
        actions += links.trackers(parcel.number)
    return finding(
        CAUSE,
        "wait",
        (
            "오래 걸리고 있어요",
            f"주문 {case.age}일째예요. 이 배송 방법은 보통 {usual.low}–{usual.high}일이면 도착해요({basis_ko}). {next_ko}",
        ),
        (
            "Taking longer than usual",
            f"Day {case.age} since the order; this shipping method usually arrives in {usual.low}–{usual.high} days ({basis_en}). {next_en}",
        ),
        wait_until=end[0] if end else None,
        actions=actions,
        evidence=[protection_evidence(case), event_evidence(parcel.last_event, case) if parcel else None],
    )
