"""What every rule module shares: building a Finding and writing its evidence.

A rule module holds ``CAUSE`` and ``check(case) -> Finding | None`` and nothing else; its
docstring says when it fires, with an example the tests read.
"""

from __future__ import annotations

from datetime import date

from companion import i18n
from companion.models import Action
from companion.models import Event
from companion.models import Evidence
from companion.models import Finding


def finding(
    cause: str,
    severity: str,
    ko: tuple[str, str],
    en: tuple[str, str],
    wait_until: date | None = None,
    actions: list[Action] | tuple = (),
    evidence: list[Evidence | None] | tuple = (),
) -> Finding:
    """A Finding with its Korean and English (title, explanation); duplicate links dropped."""
    unique: list[Action] = []
    for action in actions:
        if action.url not in {a.url for a in unique}:
            unique.append(action)
    return Finding(
        cause=cause,
        severity=severity,
        title_ko=ko[0],
        explanation_ko=ko[1],
        title_en=en[0],
        explanation_en=en[1],
        wait_until=wait_until,
        actions=tuple(unique),
        evidence=tuple(e for e in evidence if e),
    )


def event_name(event: Event, lang: str) -> str:
    """What the event is called in ``lang``: in Korean the page's own Korean name when the data
    has one, else our name for its milestone; the carrier's wording when neither is known."""
    texts = (event.text, event.title)
    if lang != "en":
        korean = next((t for t in texts if t and _is_korean(t)), None)
        if korean:
            return korean[:120]
    elif not _is_korean(event.text or "") and event.text:
        return event.text[:120]
    if event.milestone and f"milestone.{event.milestone}" in i18n.KEYS:
        return i18n.message(f"milestone.{event.milestone}", lang)
    return (event.text or event.title)[:120]


def _is_korean(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def source_name(source: str, lang: str) -> str:
    """A live lookup's name as the user reads it ("Cainiao" → "차이냐오")."""
    from companion.lookups import PROVIDERS

    provider = next((p for p in PROVIDERS if p.source == source), None)
    return provider.short_name(lang) if provider is not None else source


def event_evidence(event: Event | None, case) -> Evidence | None:
    """"마지막 소식: 9월 27일 '통관 시작'", with the code and date behind "자세히"."""
    if event is None:
        return None
    if event.time:
        day = event.time.date()
        when_ko, when_en = day_ko(day, case), day_en(day, case)
    elif event.first_seen:
        seen = event.first_seen.date()
        when_ko, when_en = f"날짜 없음, {day_ko(seen, case)}부터 그대로", f"undated, unchanged since {day_en(seen, case)}"
    else:
        when_ko, when_en = "날짜 없음", "undated"
    ko = f"마지막 소식: {when_ko} '{event_name(event, 'ko')}'"
    en = f"Last event: {when_en} '{event_name(event, 'en')}'"
    if event.source:
        ko += f" ({source_name(event.source, 'ko')}에서 직접 조회)"
        en += f" (looked up at {source_name(event.source, 'en')})"
    detail = " ".join(
        part
        for part in (
            event.code or "",
            event.time.isoformat() if event.time else "",
            f"'{event.text[:120]}'" if event.text else "",
            f"source={event.source}" if event.source else "",
        )
        if part
    )
    return Evidence(ko, en, detail)


def evidence(ko: str, en: str, detail: str = "") -> Evidence:
    return Evidence(ko, en, detail)


def status_evidence(case) -> Evidence | None:
    """"주문 상태: 배송 대기 중" in the page's words, with our status id behind "자세히"."""
    order = case.order
    if order.status == "unknown" and not order.status_text:
        return None
    shown = order.status_text or i18n.message(f"status.{order.status}", "ko")
    shown_en = order.status_text if order.status_text and not _is_korean(order.status_text) else i18n.message(f"status.{order.status}", "en")
    return Evidence(f"주문 상태: {shown}", f"Order status: {shown_en}", f"status={order.status}")


def number_problem(parcel) -> Evidence:
    """Why a number cannot be right, in words (the registry's reason behind "자세히")."""
    reason = parcel.identity.reason if parcel.identity else ""
    if "check digit" in reason:
        ko, en = "마지막 검증 숫자가 맞지 않아요", "its check digit does not match"
    elif "country code" in reason:
        ko, en = "나라 코드가 알려진 코드가 아니에요", "its country code is not a known one"
    else:
        ko, en = "알려진 번호 형식과 맞지 않아요", "it matches no known number format"
    return Evidence(f"운송장 번호 {parcel.number}: {ko}", f"Tracking number {parcel.number}: {en}", reason)


def age_text(case, lang: str) -> str:
    """"주문 13일째 · 보통 5–21일 (공개 자료 기준)": the order's age and its usual window (for an
    order not shipped yet, the seller's handling time)."""
    days = case.t("processing_days")
    if case.order.status == "awaiting_shipment":
        usually = f"usually ships within {days} days" if lang == "en" else f"보통 {days}일 안에 발송"
    else:
        usual = case.usual
        basis = usual_basis(usual)[lang == "en"]
        usually = f"usually {usual.low}–{usual.high} days ({basis})" if lang == "en" else f"보통 {usual.low}–{usual.high}일 ({basis})"
    return f"Day {case.age} since the order · {usually}" if lang == "en" else f"주문 {case.age}일째 · {usually}"


def usual_basis(usual) -> tuple[str, str]:
    if usual.basis == "history":
        return f"내 기록 {usual.count}건 기준", f"from {usual.count} of your deliveries"
    return "공개 자료 기준", "published figures"


def protection_evidence(case) -> Evidence | None:
    end = case.protection_end
    if end is None:
        return None
    day, who = end
    if who == "page":
        return Evidence(f"구매자 보호 기간: {day_ko(day, case)}까지 (주문 페이지 표시)", f"Buyer protection: until {day_en(day, case)} (shown on the order page)", f"protection_until={day.isoformat()}")
    days = case.t("protection_days")
    return Evidence(
        f"구매자 보호 기간: {day_ko(day, case)}쯤까지 (페이지에서 날짜를 못 봐서 발송 후 {days}일로 계산)",
        f"Buyer protection: about {day_en(day, case)} (no date seen on the page; counted as {days} days from shipping)",
        f"protection_until~{day.isoformat()} default protection_days={days}",
    )


def day_ko(value: date, case) -> str:
    return i18n.day(value, "ko", case.today)


def day_en(value: date, case) -> str:
    return i18n.day(value, "en", case.today)
