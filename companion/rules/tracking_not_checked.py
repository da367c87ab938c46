"""On the order list, awaiting delivery, and nothing known yet about its parcels (the list
shows no tracking numbers; the tracking page or "check all" fills them in).

Example: list card "배송 대기 중" with no history → tracking_not_checked.
"""

from companion import i18n
from companion import links
from companion.rules.base import evidence
from companion.rules.base import finding
from companion.rules.base import status_evidence

CAUSE = "tracking_not_checked"


def check(case, fallback: bool = False):
    """With ``fallback``, unconditionally: the answer when no rule fits, the honest "we do not
    know yet" (companion/rules/__init__.py)."""
    if not fallback and not _unchecked(case):
        return None
    return finding(
        CAUSE,
        "info",
        ("운송장 정보 없음 — '배송 조회'를 열면 진단해 드려요", f"이 화면에는 운송장 정보가 없어요. 주문의 '배송 조회'를 한 번 열거나, '{i18n.message('check_all', 'ko')}' 버튼을 눌러 주세요."),
        ("No tracking yet — open 'Track order' and we'll check it", f"This page shows no tracking. Open the order's tracking page once, or press '{i18n.message('check_all', 'en')}'."),
        actions=[links.link("aliexpress_tracking", order_id=case.order.order_id)],
        evidence=[
            status_evidence(case),
            evidence("이 주문의 배송 조회 화면을 아직 보지 못했어요", "This order's tracking page has not been seen yet"),
        ],
    )


def _unchecked(case) -> bool:
    if case.tracking_seen or any(p.number or p.parcel.events for p in case.parcels):
        return False
    status = case.order.status
    return status == "awaiting_delivery" or (status == "unknown" and case.order.has_tracking_link)
