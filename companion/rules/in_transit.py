"""Moving normally: a carrier scanned it recently (and it is not in customs, with a Korean
courier, or on a budget service). Nothing to do.

Example: last event AE_LH_DEPART_SUCCESS on 2026-09-27, captured 2026-09-30 → in_transit.
"""

from companion import links
from companion.rules.base import day_en
from companion.rules.base import day_ko
from companion.rules.base import event_evidence
from companion.rules.base import finding

CAUSE = "in_transit"


def check(case):
    moving = [
        p
        for p in case.active
        if p.has_carrier_event
        and not p.untracked
        and p.stage in ("in_transit", "info_received")
        and (case.days_since(p.last_change) or 0) < case.t("stall_days")
    ]
    if not moving:
        return None
    parcel = moving[0]
    eta = parcel.parcel.eta_end if parcel.parcel.eta_end and parcel.parcel.eta_end >= case.today else None
    return finding(
        CAUSE,
        "ok",
        (
            "정상 배송 중",
            "배송이 정상적으로 진행 중이에요. 할 일은 없어요." + (f" 예상 도착은 {day_ko(eta, case)}쯤이에요." if eta else ""),
        ),
        (
            "On its way",
            "The parcel is moving normally. Nothing to do." + (f" Expected around {day_en(eta, case)}." if eta else ""),
        ),
        wait_until=eta,
        actions=links.trackers(parcel.number),
        evidence=[event_evidence(parcel.last_event, case)],
    )
