"""The order awaits payment.

Example: list card status "결제 대기 중" with a "결제하기" button → not_paid.
"""

from companion import links
from companion.rules.base import finding
from companion.rules.base import status_evidence

CAUSE = "not_paid"


def check(case):
    if case.order.status != "awaiting_payment":
        return None
    return finding(
        CAUSE,
        "action",
        ("결제 대기 중", "아직 결제되지 않은 주문이에요. 결제해야 판매자가 발송하고, 기한이 지나면 알리익스프레스가 주문을 자동으로 취소해요."),
        ("Awaiting payment", "This order is not paid yet. The seller ships only after payment; unpaid orders are cancelled by AliExpress."),
        actions=[links.link("aliexpress_detail", order_id=case.order.order_id)],
        evidence=[status_evidence(case)],
    )
