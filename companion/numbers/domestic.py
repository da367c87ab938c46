"""The Korean leg of a parcel: which Korean courier carries it, and under which number.

The one reading of it for the rules, the live lookups and the page readers. A Korean courier
number is one some Korean courier's format fits (docs/facts/carriers.md §1.4: 10–14 digits); the courier is
the one the page names, else the only Korean courier whose format fits. An all-digit number two
couriers could have issued names no courier: nothing is sent to a courier on a guess, and a
carrier that is not a Korean courier ("Cainiao", a shipping service) is never taken for one.
"""

from __future__ import annotations

import re

from .registry import Carrier
from .registry import carrier_for_name
from .registry import extract
from .registry import identify
from .registry import normalize
from .registry import shapes_of

KOREAN_COURIER = "kr_courier"
_NAME_PARTS = re.compile(r"[()\[\]/,·|]+")


def korean_courier(name: str | None) -> Carrier | None:
    """The Korean courier a printed name means ("CJ대한통운", "Hanjin", "CJ대한통운(CJ Logistics)"),
    or None."""
    if not name:
        return None
    for candidate in [name, *_NAME_PARTS.split(name)]:
        carrier = carrier_for_name(candidate.strip()) if candidate.strip() else None
        if carrier is not None and carrier.kind == KOREAN_COURIER:
            return carrier
    return None


def is_korean_courier_number(raw: str | None) -> bool:
    """Whether some Korean courier's number format fits ``raw`` (its shape; check digits aside)."""
    number = normalize(raw or "")
    return bool(number) and any(c.kind == KOREAN_COURIER for c in shapes_of(number))


def domestic_leg(tracking_number: str | None, domestic_number: str | None, carrier_name: str | None) -> tuple[Carrier | None, str | None]:
    """(courier, number) of the parcel's Korean leg, as far as it is known.

    The number: the one the page or Cainiao gave for the last mile, else the tracking number
    itself when it is a Korean courier's. The courier: the Korean courier ``carrier_name``
    means, else the only Korean courier whose format fits the number, else None.
    """
    # a number only once it is extracted as one (a label such as "Latest Tracking Number:" is not)
    number = extract(domestic_number) or ""
    tracking = extract(tracking_number)
    if not number and tracking and is_korean_courier_number(tracking):
        number = tracking
    if not number:
        return None, None
    named = korean_courier(carrier_name)
    if named is not None:
        return named, number
    couriers = [c for c in identify(number).carriers if c.kind == KOREAN_COURIER]
    return (couriers[0] if len(couriers) == 1 else None), number
