"""Shipped (or being packed), but AliExpress shows no tracking number yet.

Example: blockMailNo true, events AE_ORDER_PLACED, AE_ORDER_PAID, AE_GWMS_OUTBOUND (2026-09-26)
→ number_not_issued, wait until 2026-10-03.
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import evidence
from companion.rules.base import finding

CAUSE = "number_not_issued"


def check(case):
    if case.order.status not in ("awaiting_delivery", "unknown") or not case.tracking_seen:
        return None
    if any(p.number for p in case.parcels):
        return None
    parcels = case.parcels
    blocked = any(p.parcel.number_blocked for p in parcels)
    shipped = any(p.stage not in ("not_shipped", "unknown") for p in parcels)
    if not (blocked or shipped or case.order.status == "awaiting_delivery"):
        return None
    start = case.ship_date or case.ordered_on
    until = start + timedelta(days=case.t("update_delay_days")) if start else None
    late = until is not None and until < case.today
    if late:
        ko_tail, en_tail = "보통 며칠 안에 나오는데 늦어지고 있어요. 판매자에게 운송장 번호를 물어보세요.", "It is usually there within days; it is late, so ask the seller for it."
    elif until:
        ko_tail, en_tail = f"보통 발송 후 며칠 안에 나와요. {day_ko(until, case)}까지 내 주문에서 다시 확인해 보세요.", f"It usually appears within days of shipping. Check My Orders again by {day_en(until, case)}."
    else:
        ko_tail, en_tail = "보통 발송 후 며칠 안에 나와요. 내 주문에서 다시 확인해 보세요.", "It usually appears within days of shipping. Check My Orders again."
    newest = next((p.last_event for p in parcels if p.last_event), None)
    return finding(
        CAUSE,
        "action" if late else "wait",
        ("운송장 번호 미발급", f"판매자가 물건을 보냈지만 운송장 번호(택배 추적 번호)가 아직 나오지 않았어요. {ko_tail}"),
        ("No tracking number yet", f"The seller has shipped, but there is no tracking number yet. {en_tail}"),
        wait_until=None if late else until,
        actions=[links.link("aliexpress_tracking", order_id=case.order.order_id)]
        + ([links.link("seller", order_id=case.order.order_id)] if late else []),
        evidence=[
            evidence("알리가 운송장 번호를 아직 감춰 두었어요", "AliExpress still hides the tracking number", "blockMailNo=true")
            if blocked
            else evidence("배송 조회 화면에 운송장 번호가 없어요", "The tracking page shows no tracking number"),
            event_evidence(newest, case),
        ],
    )
