"""The JSON that leaves the companion (docs/design.md §3), built from parsed orders and findings.

One place builds it, so the API, the CLI's ``--json`` and the history store say the same thing.
"""

from __future__ import annotations

from datetime import date

from companion import numbers
from companion.models import Finding
from companion.models import Page
from companion.rules.base import event_name
from companion.rules.base import age_text
from companion.rules.case import Case
from companion.rules.case import ParcelFacts


def response(page: Page, results: list[tuple[Case, list[Finding]]], lang: str, notices: list[dict] | tuple = ()) -> dict:
    answer = {
        "page": {"site": page.site, "kind": page.kind},
        "orders": [order_json(case, findings, lang) for case, findings in results],
        "tracking_numbers": [numbers.identify(n).to_dict(lang) for n in page.loose_numbers],
        "warnings": list(page.warnings),
    }
    if notices:  # only when there is something to say about the page itself
        answer["notices"] = list(notices)
    return answer


def order_json(case: Case, findings: list[Finding], lang: str) -> dict:
    order = case.order
    service = order.shipping_service or next((p.parcel.service for p in case.parcels if p.parcel.service), None)
    found = [finding_json(f, case.today, lang) for f in findings]
    return {
        "order_id": order.order_id,
        "status": order.status,
        "status_text": order.status_text,
        "ordered_on": _iso(order.ordered_on),
        "shipping_service": service,
        "age": age_json(case, lang),
        "parcels": [parcel_json(p, lang) for p in case.parcels],
        "diagnosis": found[0],
        "findings": found,
    }


def age_json(case: Case, lang: str) -> dict | None:
    """"주문 N일째 · 보통 5–21일" and the judgment from the dates, for an order still waiting."""
    state = case.age_state
    if state is None:
        return None
    usual = case.usual
    end = case.protection_end
    return {
        "days": case.age,
        "state": state,
        "text": age_text(case, lang),
        "usual": usual.to_dict(),
        "protection_until": end[0].isoformat() if end else None,
        "protection_source": end[1] if end else None,
    }


def parcel_json(facts: ParcelFacts, lang: str) -> dict:
    event = facts.last_event
    return {
        "tracking_number": facts.number,
        "carrier": _carrier(facts.carrier, lang),
        "valid": facts.number_valid,
        "stage": facts.stage,
        "last_event": {"time": event.time.isoformat() if event.time else None, "text": event_name(event, lang)} if event else None,
        "domestic": {"carrier": _carrier(facts.domestic_carrier, lang), "tracking_number": facts.domestic_number}
        if facts.domestic_number
        else None,
    }


def finding_json(finding: Finding, today: date, lang: str) -> dict:
    en = lang == "en"
    until = finding.wait_until
    return {
        "cause": finding.cause,
        "severity": finding.severity,
        "title": finding.title_en if en else finding.title_ko,
        "explanation": finding.explanation_en if en else finding.explanation_ko,
        "wait": {"until": until.isoformat(), "days_left": max(0, (until - today).days)} if until else None,
        "actions": [
            {"kind": a.kind, "label": a.label_en if en else a.label_ko, "url": (a.url_en or a.url) if en else a.url}
            for a in finding.actions
        ],
        "evidence": [e.text(lang) for e in finding.evidence],
        "details": [e.detail for e in finding.evidence if e.detail],
    }


def _carrier(carrier, lang: str) -> dict | None:
    return {"id": carrier.id, "name": carrier.name(lang)} if carrier else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
