"""The closed list of check-digit algorithms that ``carriers.json`` may name.

A format names its algorithm as data (``{"name": "s10", "weights": [...], "modulo": 11}``),
as jkeen/tracking_number_data does. Only the algorithms a source needs are here, and an
unknown name or parameter fails when the data loads, never silently at lookup time.

Every algorithm takes the ``SerialNumber`` and ``CheckDigit`` groups of the matched number.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from collections.abc import Sequence

Checker = Callable[[str, str], bool]


def s10(serial: str, check_digit: str, weights: Sequence[int] = (8, 6, 4, 2, 3, 5, 9, 7),
        modulo: int = 11) -> bool:
    """UPU S10: weighted sum of the 8 serial digits mod 11; 11 - r, except r=0 -> 5, r=1 -> 0.

    Source: docs/facts/carriers.md §1.1 (jkeen ``CHECKSUM_ALGORITHMS.md`` and jcomo ``checksum_validator.S10``
    agree). ``RB123456785GB``: 8+12+12+8+15+30+63+56 = 204, 204 % 11 = 6, 11 - 6 = 5.
    """
    if len(serial) != len(weights) or not (serial + check_digit).isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(serial, weights)) % modulo
    expected = {0: 5, 1: 0}.get(remainder, modulo - remainder)
    return int(check_digit) == expected


def mod7(serial: str, check_digit: str) -> bool:
    """The number without its last digit, mod 7, equals the last digit (Lotte, in tracker.delivery)."""
    if not (serial + check_digit).isdigit():
        return False
    return int(serial) % 7 == int(check_digit)


ALGORITHMS: dict[str, Callable[..., bool]] = {"s10": s10, "mod7": mod7}


def build(spec: dict) -> Checker:
    """Turn a data ``checksum`` block into a checker; raise ValueError for anything not in the list.

    Raising here (at load time) is the point: a typo in the data must break the tests, not make
    every number of a carrier quietly pass or fail.
    """
    params = dict(spec)
    name = params.pop("name", None)
    if name not in ALGORITHMS:
        raise ValueError(f"unknown checksum {name!r}; the closed list is {sorted(ALGORITHMS)}")
    func = ALGORITHMS[name]
    try:
        inspect.signature(func).bind("", "", **params)
    except TypeError as exc:
        raise ValueError(f"bad parameters for checksum {name!r}: {exc}") from None
    return functools.partial(func, **params)
