"""The number or the carrier's data cannot be right: a failed check digit, an event dated in
the future, or progress logged after a delivery.

A failed check digit says "the number may be mistyped" only while nobody has events for the
number: a number a carrier logs events for is a real number (placeholders in published samples
and some carriers' own series fail the check and are tracked all the same).

Example: RB123456786CN (the S10 check digit should be 5), no carrier event → carrier_system_error.
"""

from companion import links
from companion import milestones
from companion.models import Evidence
from companion.rules.base import event_evidence
from companion.rules.base import finding
from companion.rules.base import number_problem
from companion.rules.case import future_limit

CAUSE = "carrier_system_error"
_AFTER_DELIVERY_OK = milestones.MAY_FOLLOW_DELIVERY | {None}


def check(case):
    for parcel in case.active:
        problem = _problem(parcel, case)
        if problem:
            return _finding(case, parcel, problem)
    return None


def _problem(parcel, case) -> Evidence | None:
    identity = parcel.identity
    if parcel.number_valid is False and identity.carriers:
        return number_problem(parcel)
    limit = future_limit(case.now)
    future = next((e for e in parcel.parcel.events if e.time and e.time > limit), None)
    if future is not None:
        seen = event_evidence(future, case)
        return Evidence(f"미래 날짜의 기록이 있어요 — {seen.ko}", f"An event is dated in the future — {seen.en}", seen.detail)
    events = parcel.parcel.events
    delivered_at = next((i for i, e in enumerate(events) if e.milestone == "delivered"), None)
    if delivered_at and any(e.milestone not in _AFTER_DELIVERY_OK for e in events[:delivered_at]):
        seen = event_evidence(events[0], case)
        return Evidence(f"배송 완료 뒤에도 이동 기록이 있어요 — {seen.ko}", f"Movement was logged after the delivery — {seen.en}", seen.detail)
    return None


def _finding(case, parcel, problem):
    return finding(
        CAUSE,
        "action",
        (
            "배송 정보 오류",
            "운송장 번호나 택배사 기록이 맞지 않아요(번호 형식 오류, 미래 날짜, 배송 완료 뒤 이동 기록 등). "
            "주문 화면의 번호를 한 글자씩 다시 확인하고, 17TRACK이나 차이냐오에서 조회해 보세요. 계속 이상하면 판매자에게 문의하세요.",
        ),
        (
            "Tracking data error",
            "The number or the carrier's record cannot be right (bad format, a future date, movement after delivery). "
            "Check the number on the order character by character and try 17TRACK or Cainiao; ask the seller if it stays wrong.",
        ),
        actions=links.trackers(parcel.number) + [links.link("seller", order_id=case.order.order_id)],
        evidence=[problem],
    )
