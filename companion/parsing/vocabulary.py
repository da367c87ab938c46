"""AliExpress's words and codes, read from ``vocabulary.json`` into small lookups. The milestones
the words stand for, and AliExpress's event codes, are :mod:`companion.milestones`."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from companion import milestones

_DATA = json.loads((Path(__file__).with_name("vocabulary.json")).read_text(encoding="utf-8"))


def _compile(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_STATUS_TEXT = [(e["status"], _compile(e["patterns"])) for e in _DATA["order_status_text"]]
_BUTTON_TEXT = [(e["kind"], _compile(e["patterns"])) for e in _DATA["button_kinds"]]
_EVENT_TEXT = [(e["milestone"], _compile(e["patterns"])) for e in _DATA["event_text"]["rules"]]
EVENT_TEXT_MILESTONES = milestones.check((m for m, _ in _EVENT_TEXT), "parsing/vocabulary.json event_text")


def status_from_code(code) -> str | None:
    """Order status from AliExpress's numeric ``orderStatus`` code, when the code is known."""
    if code is None:
        return None
    return _DATA["order_status_codes"].get(str(code).strip())


@lru_cache(maxsize=512)
def status_from_text(text: str) -> str:
    """Order status from its wording in Korean or English; ``unknown`` when nothing fits."""
    for status, pattern in _STATUS_TEXT:
        if text and pattern.search(text):
            return status
    return "unknown"


def button_kind(text: str, button_type: str | None = None) -> str | None:
    """What a button does, from its JSON type or else its label."""
    if button_type and button_type in _DATA["button_types"]:
        return _DATA["button_types"][button_type]
    for kind, pattern in _BUTTON_TEXT:
        if text and pattern.search(text):
            return kind
    return None


def status_from_buttons(kinds: list[str]) -> str:
    """When neither code nor wording is known, the buttons still tell the state of an order."""
    if "pay" in kinds:
        return "awaiting_payment"
    if "confirm" in kinds or "tracking" in kinds:
        return "awaiting_delivery"
    if "edit_address" in kinds:
        return "awaiting_shipment"
    return "unknown"


def classify_event(code: str | None, *texts: str) -> str | None:
    """The milestone an event stands for: from its code when known, else from its wording."""
    milestone = milestones.from_code(code)
    if milestone:
        return milestone
    for text in texts:
        if not text:
            continue
        for milestone, pattern in _EVENT_TEXT:
            if pattern.search(text):
                return milestone
    return None


_UNTRACKED_STATEMENT = _compile(_DATA["untracked_statement"]["patterns"])


def says_untracked(text: str | None) -> bool:
    """True when a carrier's own words say its tracking stops (Cainiao's ``mailTypeDesc``)."""
    return bool(text and _UNTRACKED_STATEMENT.search(text))


_PROTECTION = [re.compile(p, re.I) for p in _DATA["protection_text"]["patterns"]]


def protection_date_text(text: str) -> str | None:
    """The date in "Refund if no delivery before …" (the page's own buyer-protection promise)."""
    for pattern in _PROTECTION:
        match = pattern.search(text or "")
        if match:
            return match.group("date")
    return None
