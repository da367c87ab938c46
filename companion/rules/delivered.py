"""Delivered: the order is completed, or every parcel's last event is a delivery.

Example: Hanjin 520000000707, last event AE_GTMS_SIGNED "Package delivered." → delivered.
"""

from companion import links
from companion.rules.base import event_evidence
from companion.rules.base import finding
from companion.rules.base import status_evidence

CAUSE = "delivered"


def check(case):
    parcels = case.parcels
    all_delivered = bool(parcels) and all(p.stage == "delivered" for p in parcels)
    if case.order.status != "completed" and not all_delivered:
        return None
    last = next((p.last_event for p in parcels if p.stage == "delivered"), None)
    if case.order.status == "completed":
        ko = ("배송 완료", "거래가 완료된 주문이에요. 더 할 일은 없어요.")
        en = ("Delivered", "This order is completed. Nothing to do.")
        actions = []
    else:
        ko = ("배송 완료", "배송 완료로 표시돼요. 물건을 받았다면 주문에서 수령 확인을 눌러 주세요. 받지 못했다면 택배사에 먼저 확인해 보세요.")
        en = ("Delivered", "The carrier marks it delivered. If you have it, confirm receipt on the order; if not, ask the courier first.")
        actions = [links.link("aliexpress_detail", order_id=case.order.order_id)]
    return finding(
        CAUSE,
        "ok",
        ko,
        en,
        actions=actions,
        evidence=[status_evidence(case) if case.order.status == "completed" else None, event_evidence(last, case)],
    )
