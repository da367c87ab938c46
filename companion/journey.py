"""A parcel's journey as the dashboard draws it: 결제 → 출고 → 출국 → 한국 도착 → 통관 → 국내 택배 → 배달 완료.

Each stage is reached on the Seoul date of the first event whose milestone belongs to it
(journey.json). How long a stage usually lasts comes from the user's own delivered parcels once
there are ``min_history`` of them, else from the documented default beside it; so "통관 3일째
(보통 1–3일)" is the user's own "usually" as soon as they have one.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from companion.dates import KST
from companion.models import Event

_DATA = json.loads((Path(__file__).with_name("journey.json")).read_text(encoding="utf-8"))
MIN_HISTORY: int = _DATA["min_history"]
STAGES: tuple[str, ...] = tuple(stage["id"] for stage in _DATA["stages"])
LABELS: dict[str, dict[str, str]] = {stage["id"]: stage["label"] for stage in _DATA["stages"]}
DEFAULT_USUAL: dict[str, tuple[int, int] | None] = {
    stage["id"]: tuple(stage["usual_days"]) if stage["usual_days"] else None for stage in _DATA["stages"]
}
STAGE_OF_MILESTONE: dict[str, str] = {m: stage["id"] for stage in _DATA["stages"] for m in stage["milestones"]}
DELIVERED = STAGES[-1]


@dataclass(frozen=True)
class Usual:
    """How many days a stage usually lasts, and what that rests on."""

    low: int
    high: int
    count: int  # the user's delivered parcels it rests on; 0 for the documented default

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "count": self.count}


def stage_dates(ordered_on: date | None, events: list[Event]) -> dict[str, date]:
    """The Seoul date each reached stage began (its first event), ``paid`` from the order date."""
    reached: dict[str, date] = {}
    for event in events:
        stage = STAGE_OF_MILESTONE.get(event.milestone or "")
        when = event.time or event.first_seen
        if stage is None or when is None:
            continue
        day = when.astimezone(KST).date()
        if stage not in reached or day < reached[stage]:
            reached[stage] = day
    if ordered_on and ("paid" not in reached or ordered_on < reached["paid"]):
        reached["paid"] = ordered_on
    return reached


def stage_lengths(reached: dict[str, date]) -> dict[str, int]:
    """Days from each reached stage to the next reached one (a skipped stage lends its days on)."""
    ordered = [(stage, reached[stage]) for stage in STAGES if stage in reached]
    return {stage: max(0, (after - day).days) for (stage, day), (_, after) in zip(ordered, ordered[1:])}


def usual_days(delivered_journeys: list[dict[str, date]]) -> dict[str, Usual]:
    """Per stage: the middle half of the user's own delivered parcels (at least ``MIN_HISTORY``),
    else the documented default. Only journeys that saw both ends of a stage count for it."""
    samples: dict[str, list[int]] = {stage: [] for stage in STAGES}
    for reached in delivered_journeys:
        ordered = [stage for stage in STAGES if stage in reached]
        for stage, following in zip(ordered, ordered[1:]):
            if STAGES.index(following) == STAGES.index(stage) + 1:
                samples[stage].append((reached[following] - reached[stage]).days)
    usual = {}
    for stage in STAGES:
        values = sorted(samples[stage])
        if len(values) >= MIN_HISTORY:
            quartiles = statistics.quantiles(values, n=4, method="inclusive")
            usual[stage] = Usual(round(quartiles[0]), round(quartiles[2]), len(values))
        elif DEFAULT_USUAL[stage]:
            low, high = DEFAULT_USUAL[stage]
            usual[stage] = Usual(low, high, 0)
    return usual


def draw(reached: dict[str, date], today: date, usual: dict[str, Usual], lang: str) -> dict:
    """What the timeline shows: every stage with its date (or none), the current one with its
    day count and usual range, and each stage that lasted longer than usual."""
    lengths = stage_lengths(reached)
    current = next((stage for stage in reversed(STAGES) if stage in reached), None)
    stages = []
    for stage in STAGES:
        day = reached.get(stage)
        known = usual.get(stage)
        lasted = lengths.get(stage)
        if stage == current and stage != DELIVERED and day is not None:
            lasted = (today - day).days
        stages.append(
            {
                "stage": stage,
                "label": LABELS[stage]["en" if lang == "en" else "ko"],
                "date": day.isoformat() if day else None,
                "state": "current" if stage == current else ("done" if day or _passed(stage, current) else "ahead"),
                "days": lasted,
                "long": bool(known and lasted is not None and lasted > known.high),
            }
        )
    now = usual.get(current) if current else None
    return {
        "stages": stages,
        "current": current,
        "days_in_stage": next((s["days"] for s in stages if s["state"] == "current"), None),
        "usual": now.to_dict() if now and current != DELIVERED else None,
    }


def _passed(stage: str, current: str | None) -> bool:
    return current is not None and STAGES.index(stage) < STAGES.index(current)
