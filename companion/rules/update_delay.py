"""A number exists but no carrier has scanned it yet: normal for 3–7 days after shipping.

Example: LP00123456789012 with only AE_ORDER_PAID and AE_GWMS_OUTBOUND (2026-09-27), captured
2026-09-30 → update_delay, wait until 2026-10-04.
"""

from datetime import timedelta

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import evidence
from companion.rules.base import finding
from companion.rules.base import source_name

CAUSE = "update_delay"


def check(case):
    for parcel in case.active:
        if parcel.number and not parcel.has_carrier_event and parcel.stage != "not_shipped":
            return _finding(case, parcel)
    return None


def _finding(case, parcel):
    start = case.ship_date or case.ordered_on
    until = start + timedelta(days=case.t("update_delay_days")) if start else None
    late = until is not None and until < case.today
    actions = links.trackers(parcel.number)
    usual = f"{case.t('first_data_days')}–{case.t('update_delay_days')}"  # "3–7": the help page's window
    if late:
        actions = [links.link("seller", order_id=case.order.order_id)] + actions
        ko = f"발송한 지 {case.days_since(start)}일이 지났는데도 택배사 기록이 없어요. 보통 {usual}일이면 나와요. 판매자에게 실제로 보냈는지, 번호가 맞는지 물어보세요."
        en = f"Shipped {case.days_since(start)} days ago and still no carrier scan (it usually takes {usual} days). Ask the seller whether it really left and whether the number is right."
    else:
        when_ko = f"{day_ko(until, case)}까지 기다려 보고, 그때도 없으면 판매자에게 문의하세요." if until else "일주일쯤 기다려 보세요."
        when_en = f"Wait until {day_en(until, case)}, then ask the seller." if until else "Give it about a week."
        ko = f"운송장 번호는 나왔지만 택배사 기록이 아직 없어요. 발송 후 {usual}일은 이럴 수 있어요. {when_ko}"
        en = f"The number exists, but no carrier has scanned it yet. That is normal for {usual} days after shipping. {when_en}"
    for source in parcel.not_found_by:  # a live lookup asked the carrier itself
        ko += f" ({source_name(source, 'ko')}에 직접 물어봐도 아직 이 번호가 없어요.)"
        en += f" ({source_name(source, 'en')} itself does not know the number yet.)"
    return finding(
        CAUSE,
        "action" if late else "wait",
        ("물류 정보 업데이트 지연", ko),
        ("Tracking not updated yet", en),
        wait_until=None if late else until,
        actions=actions,
        evidence=[
            evidence(f"운송장 번호 {parcel.number}: 택배사 기록 없음", f"Tracking number {parcel.number}: no carrier scan"),
            event_evidence(parcel.last_event, case),
        ]
        + [
            evidence(f"{source_name(s, 'ko')}에 직접 조회: 아직 없는 번호", f"Looked up at {source_name(s, 'en')}: not found yet", f"live lookup {s}: not found")
            for s in parcel.not_found_by
        ],
    )
