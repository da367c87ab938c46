"""The seller has not shipped yet.

Example: status "발송 대기 중" ordered 2026-09-29, captured 2026-09-30 → not_shipped, wait until
2026-10-06.
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import finding
from companion.rules.base import status_evidence

CAUSE = "not_shipped"


def check(case):
    waiting = case.order.status == "awaiting_shipment"
    only_order_events = bool(case.parcels) and all(p.stage == "not_shipped" and not p.number for p in case.parcels)
    if not (waiting or (case.order.status in ("awaiting_delivery", "unknown") and only_order_events)):
        return None
    start = case.ordered_on
    until = start + timedelta(days=case.t("processing_days")) if start else None
    late = until is not None and until < case.today
    if late:
        ko = f"주문한 지 {case.days_since(start)}일이 지났는데 아직 발송 전이에요. 판매자에게 언제 보내는지 물어보고, 답이 없으면 주문 취소를 요청하세요."
        en = f"Ordered {case.days_since(start)} days ago and not shipped yet. Ask the seller when it will ship; if there is no answer, ask to cancel."
    elif until:
        ko = f"판매자가 아직 발송하지 않았어요. 보통 주문 후 며칠 안에 보내요. {day_ko(until, case)}까지 기다려 보고, 그래도 안 보내면 판매자에게 문의하세요."
        en = f"The seller has not shipped yet; most ship within a few days. Wait until {day_en(until, case)}, then message the seller."
    else:
        ko = "판매자가 아직 발송하지 않았어요. 판매자의 처리 기간이 지나도 그대로면 문의하세요."
        en = "The seller has not shipped yet. Message the seller if their processing time passes."
    return finding(
        CAUSE,
        "action" if late else "wait",
        ("발송 전", ko),
        ("Not shipped yet", en),
        wait_until=None if late else until,
        actions=[links.link("seller", order_id=case.order.order_id)],
        evidence=[status_evidence(case)],
    )
