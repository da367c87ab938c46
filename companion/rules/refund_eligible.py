"""Time to ask for a refund or a reshipment: delivery failed, the page's own protection date
has passed, or (when the page shows none) the default protection window (``protection_days``
from shipping) has passed or nothing has changed for 60 days or more — whatever the latest
event says.

Example: last event AE_LH_HO_AIRLINE on 2026-07-22, captured 2026-09-30, "Refund if no delivery
before Sep 10, 2026" → refund_eligible. Ordered 2026-07-10, never tracked, no protection date
seen (default end 2026-09-15) → refund_eligible.
"""

from datetime import timedelta

from companion import links
from companion import milestones
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import evidence
from companion.rules.base import finding
from companion.rules.base import protection_evidence

CAUSE = "refund_eligible"


def check(case):
    if case.order.status in ("cancelled", "completed", "awaiting_payment") or (case.parcels and not case.active):
        return None
    failed = next((p for p in case.active if p.last_event and p.last_event.milestone in milestones.FAILED), None)
    if failed is not None:
        return finding(
            CAUSE,
            "action",
            ("배송 실패 — 환불·재배송 요청", "택배가 배달에 실패했거나 판매자에게 돌아가고 있어요. 주문에서 분쟁을 열어 환불이나 재배송을 요청하세요."),
            ("Delivery failed — ask for a refund", "The carrier could not deliver, or the parcel is going back. Open a dispute on the order for a refund or a reshipment."),
            actions=_actions(case),
            evidence=[event_evidence(failed.last_event, case)],
        )
    protection = case.order.protection_until
    if protection is not None:
        if protection >= case.today:
            return None  # the page's own promise wins over any fixed number of days
        return finding(
            CAUSE,
            "action",
            ("보호 기간 지남 — 환불 요청", f"알리가 약속한 배송 기한({day_ko(protection, case)})이 지났는데 아직 배송되지 않았어요. 주문에서 분쟁을 열어 환불이나 재배송을 요청하세요."),
            ("Protection date passed — ask for a refund", f"AliExpress promised delivery by {day_en(protection, case)}, and it has not arrived. Open a dispute on the order for a refund or a reshipment."),
            actions=_actions(case),
            evidence=[protection_evidence(case), _quiet_evidence(case)],
        )
    if case.age_state == "overdue":
        end, _ = case.protection_end
        grace = end + timedelta(days=case.t("dispute_grace_days"))
        return finding(
            CAUSE,
            "action",
            (
                "보호 기간 지남 — 환불 요청",
                f"주문 {case.age}일째인데 아직 도착하지 않았어요. 구매자 보호 기간은 보통 발송 후 {case.t('protection_days')}일이라 "
                f"{day_ko(end, case)}쯤 끝났을 거예요. 주문 상세에서 보호 기간을 확인하고, 분쟁을 열어 환불을 요청하세요."
                + (f" 분쟁은 {day_ko(grace, case)}까지 열 수 있어요." if grace >= case.today else ""),
            ),
            (
                "Protection likely over — ask for a refund",
                f"Day {case.age} since the order and it has not arrived. Buyer protection usually lasts {case.t('protection_days')} days from shipping, "
                f"so it likely ended around {day_en(end, case)}. Check the date on the order page and open a dispute for a refund"
                + (f" (possible until {day_en(grace, case)})." if grace >= case.today else "."),
            ),
            actions=_actions(case),
            evidence=[protection_evidence(case), _quiet_evidence(case)],
        )
    last_change = max((p.last_change for p in case.active if p.last_change), default=None)
    quiet = case.days_since(last_change)
    if quiet is None or quiet < case.t("lost_days"):
        return None
    return finding(
        CAUSE,
        "action",
        ("장기 미배송 — 환불 요청", f"{quiet}일째 배송 정보가 바뀌지 않았어요. 분실됐을 가능성이 커요. 주문에서 분쟁을 열어 환불이나 재배송을 요청하세요."),
        ("No news for two months — ask for a refund", f"Tracking has not changed for {quiet} days; the parcel is probably lost. Open a dispute on the order for a refund or a reshipment."),
        actions=_actions(case),
        evidence=[_quiet_evidence(case)],
    )


def _actions(case):
    order_id = case.order.order_id
    return [links.link("dispute", order_id=order_id), links.link("seller", order_id=order_id)]


def _quiet_evidence(case):
    last = max((p for p in case.active if p.last_change), key=lambda p: p.last_change, default=None)
    if last is None:
        return None
    seen = event_evidence(last.last_event, case)
    days = case.days_since(last.last_change)
    return evidence(f"{seen.ko} — {days}일 전", f"{seen.en} — {days} days ago", seen.detail)
