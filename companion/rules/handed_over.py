"""Arrived in Korea and handed to a Korean courier, which tracks it under its own number.

Example: logisticsCpInfo cpName "CJ", number 561000000505, last AE_GTMS_SC_DEPART → handed_over,
with a CJ대한통운 link for 561000000505.
"""

from companion import i18n
from companion import links
from companion.rules.base import event_evidence
from companion.rules.base import evidence
from companion.rules.base import finding

CAUSE = "handed_over"


def check(case):
    for parcel in case.active:
        if parcel.stage in ("handed_over", "out_for_delivery"):
            return _finding(case, parcel)
    return None


def _finding(case, parcel):
    carrier, number = parcel.domestic_carrier, parcel.domestic_number
    name_ko = carrier.name("ko") if carrier else "국내 택배사"
    name_en = carrier.name("en") if carrier else "a Korean courier"
    out = parcel.stage == "out_for_delivery"
    if number:
        how_ko = f"이제부터는 {name_ko} 운송장 번호({number})로 조회하는 게 가장 정확해요."
        how_en = f"Track it with {name_en} under {number}: that is the most current record."
    else:
        how_ko = "택배사와 새 운송장 번호는 알리 배송 조회 화면에서 확인할 수 있어요."
        how_en = "The courier and its new number are on AliExpress's tracking page."
    lead_ko = "배달을 시작했어요." if out else f"한국에 도착해 {i18n.ro(name_ko)} 넘어갔어요."
    lead_en = "It is out for delivery." if out else f"It arrived in Korea and was handed to {name_en}."
    actions = links.courier(carrier.id if carrier else None, number)
    # Cainiao and 17TRACK know the international number, not the one the Korean courier gave.
    actions += links.trackers(parcel.number or number)
    actions.append(links.link("aliexpress_tracking", order_id=case.order.order_id))
    return finding(
        CAUSE,
        "info",
        (f"{name_ko} 배송 중" if carrier else "국내 택배사로 인계", f"{lead_ko} {how_ko} 알리 화면은 하루 이틀 늦게 바뀔 수 있어요."),
        (f"With {name_en}" if carrier else "Handed to a Korean courier", f"{lead_en} {how_en} AliExpress may lag a day or two behind."),
        actions=actions,
        evidence=[
            event_evidence(parcel.last_event, case),
            evidence(f"국내 택배사: {name_ko}, 운송장 번호 {number}", f"Korean courier: {name_en}, number {number}", f"carrier={carrier.id if carrier else '-'}")
            if number
            else None,
        ],
    )
