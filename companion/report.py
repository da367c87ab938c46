"""The JSON that leaves the companion (DESIGN.md §3), built from parsed orders and findings.

One place builds it, so the API, the CLI's ``--json`` and the history store say the same thing.
"""

from __future__ import annotations

from datetime import date

from companion import numbers
from companion.models import Finding
from companion.models import Page
from companion.rules.case import Case
from companion.rules.case import ParcelFacts


def response(page: Page, results: list[tuple[Case, list[Finding]]], lang: str, notices: list[dict] | tuple = ()) -> dict:
    answer = {
        "page": {"site": page.site, "kind": page.kind},
        "orders": [order_json(case, findings, lang) for case, findings in results],
        "tracking_numbers": [number_json(n, lang) for n in page.loose_numbers],
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
        "parcels": [parcel_json(p, lang) for p in case.parcels],
        "diagnosis": found[0],
        "findings": found,
    }


def parcel_json(facts: ParcelFacts, lang: str) -> dict:
    event = facts.last_event
    return {
        "tracking_number": facts.number,
        "carrier": _carrier(facts.carrier, lang),
        # A number a carrier has events for is a real number, whatever its check digit says.
        "valid": (facts.identity.valid or facts.has_carrier_event) if facts.identity else None,
        "stage": facts.stage,
        "last_event": {"time": event.time.isoformat() if event.time else None, "text": event.text} if event else None,
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
            {"kind": a.kind, "label": a.label_en if en else a.label_ko, "url": a.url} for a in finding.actions
        ],
        "evidence": list(finding.evidence),
    }


def number_json(number: str, lang: str) -> dict:
    identity = numbers.identify(number)
    return {
        "number": identity.number,
        "valid": identity.valid,
        "carriers": [_carrier(c, lang) for c in identity.carriers],
    }


def _carrier(carrier, lang: str) -> dict | None:
    return {"id": carrier.id, "name": carrier.name(lang)} if carrier else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
