"""On the order list, awaiting delivery, and nothing known yet about its parcels (the list
shows no tracking numbers; the tracking page or "check all" fills them in).

Example: list card "배송 대기 중" with no history → tracking_not_checked.
"""

from companion import links
from companion.rules.base import finding

CAUSE = "tracking_not_checked"


def check(case):
    if case.tracking_seen or any(p.number or p.parcel.events for p in case.parcels):
        return None
    status = case.order.status
    if status != "awaiting_delivery" and not (status == "unknown" and case.order.has_tracking_link):
        return None
    return fallback(case)


def fallback(case):
    """Also the answer when no rule fits: the honest "we do not know yet"."""
    return finding(
        CAUSE,
        "info",
        ("배송 조회 전", "이 화면에는 운송장 정보가 없어요. 배송 조회를 한 번 열거나, 확장 프로그램의 '배송 중 주문 모두 확인'을 눌러 주세요."),
        ("Not checked yet", "This page shows no tracking. Open the order's tracking page once, or use 'Check all awaiting orders' in the extension."),
        actions=[links.link("aliexpress_tracking", order_id=case.order.order_id)],
        evidence=[f"order status '{case.order.status_text or case.order.status}'", "no tracking seen for this order yet"],
    )
