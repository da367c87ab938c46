"""The milestones of a parcel, read from ``milestones.json``: their names in the order a parcel
passes them, the stage each puts the parcel in, the ones that mean a carrier has it, the named
sets the rules and live lookups read, AliExpress's and Cainiao's event codes, and the shipping
services tracked only part of the way.

The page readers (``parsing``), the live lookups (``lookups``) and the rules (``rules``) all take
these names from here; a name the data uses that is not a milestone stops the import.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_DATA = json.loads(Path(__file__).with_name("milestones.json").read_text(encoding="utf-8"))


def _entries(section: dict) -> dict:
    return {key: value for key, value in section.items() if not key.startswith("_")}


MILESTONES: tuple[str, ...] = tuple(_DATA["progress"]["milestones"])  # in the order a parcel passes them
KNOWN = frozenset(MILESTONES)


def check(names, where: str) -> frozenset[str]:
    """``names`` as a set, once every one is known to be a milestone (a ValueError names ``where``
    the others came from): a vocabulary checks its data with this when it loads."""
    names = set(names)
    unknown = names - KNOWN
    if unknown:
        raise ValueError(f"{where}: {sorted(unknown)} are not milestones")
    return frozenset(names)


# How far along each milestone is: breaks ties between events of the same second.
PROGRESS: dict[str, int] = {name: rank for rank, name in enumerate(MILESTONES)}
STAGES: dict[str, str] = _entries(_DATA["stages"])
check(STAGES, "milestones.json stages")
if set(STAGES) != KNOWN:
    raise ValueError(f"milestones.json stages: no stage for {sorted(KNOWN - set(STAGES))}")
# Milestones that mean a carrier has the parcel ("no carrier event yet" is not a moving parcel).
CARRIER_EVENTS = check(_DATA["carrier_events"]["milestones"], "milestones.json carrier_events")

_GROUPS = _entries(_DATA["groups"])
SHIPPING = check(_GROUPS["shipping"], "milestones.json groups.shipping")  # the seller handed it over
IN_CUSTOMS = check(_GROUPS["in_customs"], "milestones.json groups.in_customs")  # import customs has it
CLEARED_CUSTOMS = check(_GROUPS["cleared_customs"], "milestones.json groups.cleared_customs")  # customs is behind it
BEYOND_CUSTOMS = check(_GROUPS["beyond_customs"], "milestones.json groups.beyond_customs")  # customs has nothing to add
FAILED = check(_GROUPS["failed"], "milestones.json groups.failed")  # delivery failed, or on its way back
DONE = check(_GROUPS["done"], "milestones.json groups.done")  # nobody needs asking about it any more
MAY_FOLLOW_DELIVERY = check(_GROUPS["may_follow_delivery"], "milestones.json groups.may_follow_delivery")

# AliExpress's trackingSecondCode / trackingPrimaryCode and Cainiao's actionCode (with or
# without the AE_ prefix) → milestone.
EVENT_CODES: dict[str, str] = _entries(_DATA["event_codes"])
check(EVENT_CODES.values(), "milestones.json event_codes")
_UNTRACKED = re.compile("|".join(f"(?:{p})" for p in _DATA["untracked_services"]["patterns"]), re.I)


def from_code(code: str | None) -> str | None:
    """The milestone an AliExpress or Cainiao event code stands for, when the code is known."""
    if not code:
        return None
    code = code.strip().upper()
    return EVENT_CODES.get(code) or EVENT_CODES.get(code.removeprefix("AE_"))


def stage_of(milestone: str | None) -> str:
    """The parcel stage (docs/design.md §3) a milestone puts the parcel in."""
    return STAGES.get(milestone or "", "unknown")


def is_untracked_service(name: str | None) -> bool:
    """True for shipping services without end-to-end tracking (Super Economy, Saver …)."""
    return bool(name and _UNTRACKED.search(name))
