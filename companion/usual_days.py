"""How long an order of one shipping method usually takes: from the user's own deliveries when
there are enough of them, else a documented default (usual_days.json).

Days are counted as "주문 N일째" counts them (the order day is day 1), so the user's record, the
default and the order's age say the same kind of thing.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

_DATA = json.loads(Path(__file__).with_name("usual_days.json").read_text(encoding="utf-8"))
HISTORY_MIN = _DATA["history_min"]["value"]
_METHODS = [
    {**method, "regex": [re.compile(p, re.IGNORECASE) for p in method["patterns"]]} for method in _DATA["methods"]
]


@dataclass(frozen=True)
class UsualDays:
    """"Usually ``low``–``high`` days", and what says so."""

    method: str
    low: int
    high: int
    basis: str  # "history": the user's own deliveries; "default": usual_days.json
    count: int = 0  # deliveries behind a "history" window
    source: str = ""  # the default's source

    def to_dict(self) -> dict:
        return {"method": self.method, "low": self.low, "high": self.high, "basis": self.basis, "count": self.count, "source": self.source}


def method_of(service: str | None) -> str:
    """The method id for a shipping service's name ("AliExpress Selection Standard" → "standard")."""
    for method in _METHODS:
        if service and any(regex.search(service) for regex in method["regex"]):
            return method["id"]
    return "other"


def usual(service: str | None, history: dict[str, list[int]] | None = None) -> UsualDays:
    """The window for ``service``: the user's own days for its method (median ± spread) once
    there are ``HISTORY_MIN`` of them, else the default."""
    return usual_for_method(method_of(service), history)


def usual_for_method(method: str, history: dict[str, list[int]] | None = None) -> UsualDays:
    """:func:`usual` for a method id (``method_of``'s answer)."""
    days = sorted((history or {}).get(method, ()))
    if len(days) >= HISTORY_MIN:
        middle = statistics.median(days)
        deviation = statistics.median(abs(d - middle) for d in days)
        spread = max(2, math.ceil(1.5 * deviation))  # never a window narrower than ±2 days
        return UsualDays(method, max(1, math.floor(middle - spread)), math.ceil(middle + spread), "history", len(days))
    default = next(m for m in _METHODS if m["id"] == method)
    return UsualDays(method, default["low"], default["high"], "default", source=default["source"])
