"""The order was cancelled or closed: nothing to track.

Example: list card status "취소됨" → cancelled.
"""

from companion import links
from companion.rules.base import finding
from companion.rules.base import status_evidence

CAUSE = "cancelled"


def check(case):
    if case.order.status != "cancelled":
        return None
    return finding(
        CAUSE,
        "info",
        ("취소된 주문", "취소된 주문이라 추적할 배송이 없어요. 환불은 주문 상세에 표시돼요."),
        ("Order cancelled", "This order was cancelled, so there is nothing to track. The refund shows on the order."),
        actions=[links.link("aliexpress_detail", order_id=case.order.order_id)],
        evidence=[status_evidence(case)],
    )
