"""What every rule module shares: building a Finding and writing its evidence.

A rule module holds ``CAUSE`` and ``check(case) -> Finding | None`` and nothing else; its
docstring says when it fires, with an example the tests read.
"""

from __future__ import annotations

from datetime import date

from companion import i18n
from companion.models import Action
from companion.models import Event
from companion.models import Finding


def finding(
    cause: str,
    severity: str,
    ko: tuple[str, str],
    en: tuple[str, str],
    wait_until: date | None = None,
    actions: list[Action] | tuple = (),
    evidence: list[str] | tuple = (),
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


def event_evidence(event: Event | None) -> str:
    """"last event 2026-09-27 'Import customs clearance started' (AE_CC_IM_START)"."""
    if event is None:
        return ""
    if event.time:
        when = event.time.date().isoformat()
    elif event.first_seen:
        when = f"(no date; unchanged since first seen {event.first_seen.date().isoformat()})"
    else:
        when = "(no date)"
    code = f" ({event.code})" if event.code else ""
    source = f" from {event.source}" if event.source else ""
    return f"last event {when} '{event.text[:120]}'{code}{source}"


def day_ko(value: date, case) -> str:
    return i18n.day(value, "ko", case.today)


def day_en(value: date, case) -> str:
    return i18n.day(value, "en", case.today)
