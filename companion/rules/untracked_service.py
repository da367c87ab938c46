"""A shipping service without end-to-end tracking (Super Economy, Saver, ordinary small packet,
U…/L… S10 numbers): tracking often stops after export. Not "stalled" before its promise date.

Example: "Cainiao Super Economy Global", LP00900000000303, last event 2026-09-02 → untracked_service.
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import evidence
from companion.rules.base import finding

CAUSE = "untracked_service"


def check(case):
    for parcel in case.active:
        if parcel.untracked and parcel.stage not in ("handed_over", "out_for_delivery", "customs"):
            return _finding(case, parcel)
    return None


def _finding(case, parcel):
    until = case.order.protection_until or parcel.parcel.eta_end
    start = case.ship_date or case.ordered_on
    if until is None and start is not None:
        until = start + timedelta(days=case.t("lost_days"))
    service = _service_word(parcel.parcel.untracked_note) or parcel.parcel.service or (parcel.number or "")
    wait_ko = f"{day_ko(until, case)}까지 기다려 보고, 그때도 오지 않으면 판매자에게 문의하세요." if until else "판매자가 약속한 배송 기한까지 기다려 보세요."
    wait_en = f"Wait until {day_en(until, case)}; if it has not come by then, ask the seller." if until else "Wait for the delivery date the seller promised."
    return finding(
        CAUSE,
        "wait",
        (
            "저가 배송 옵션",
            f"저가 배송({service})이라 중국을 떠난 뒤에는 조회가 거의 되지 않아요. 멈춘 것처럼 보여도 정상일 수 있어요. {wait_ko}",
        ),
        (
            "Budget shipping",
            f"A budget service ({service}) that is not tracked end to end: updates often stop once it leaves China. That is normal. {wait_en}",
        ),
        wait_until=until,
        actions=links.trackers(parcel.number) + [links.link("seller", order_id=case.order.order_id)],
        evidence=[_why(parcel, service), event_evidence(parcel.last_event, case)],
    )


def _why(parcel, service: str):
    """The carrier's own statement when it made one, else what the guess rests on."""
    note = parcel.parcel.untracked_note
    if note:
        # the carrier's words are quoted as they came (Cainiao answers in English)
        return evidence(f"택배사가 직접 밝혔어요: \"{note}\"", f"The carrier says: \"{note}\"", "mailType/mailTypeDesc")
    if parcel.parcel.service:
        return evidence(f"배송 방법: {service}", f"Shipping method: {service}", f"service={parcel.parcel.service}")
    return evidence(
        f"운송장 번호 {parcel.number}: 중간까지만 조회되는 번호 형식",
        f"Tracking number {parcel.number}: a format tracked only part of the way",
        f"tracking={parcel.identity.tracking}",
    )


def _service_word(note: str | None) -> str | None:
    """"Economy" out of "Economy — Economy shipping doesn't include tracking …"."""
    word = (note or "").split(" — ")[0].strip()
    return word if word and len(word) <= 40 and " — " in (note or "") else None
