"""The rules: one small module per cause (docs/design.md §5), each ``check(case) -> Finding | None``.

``RULES`` is the priority order: when several rules fire, the first is the diagnosis and the
rest follow it in ``findings``. The order, and why:

1. ``cancelled``, ``not_paid`` — the order itself says there is nothing to track yet or any more.
2. ``delivered`` — once it has arrived, nothing else matters.
3. ``refund_eligible`` — money is at stake and the buyer must act (failed delivery, protection over, 60 days lost).
4. ``customs_hold`` — stuck until the buyer fixes something (개인통관고유부호, duties).
5. ``protection_ending`` — a deadline within a week.
6. ``carrier_system_error`` — the data itself is wrong; every later reading would be too.
7. ``handed_over`` — in Korea: the Korean courier's number is the one to follow.
8. ``customs_in_progress`` — normal, short wait.
9. ``untracked_service`` — silence is expected; before ``stalled`` so it is never called stalled early.
10. ``stalled``, ``number_not_issued``, ``update_delay``, ``not_shipped`` — waits, longest-known first.
11. ``taking_long`` — older than the shipping method usually takes: the age alone says so.
12. ``tracking_not_checked`` — nothing known yet.
13. ``in_transit`` — all is well.
"""

from __future__ import annotations

from companion.models import Finding
from companion.rules import cancelled
from companion.rules import carrier_system_error
from companion.rules import customs_hold
from companion.rules import customs_in_progress
from companion.rules import delivered
from companion.rules import handed_over
from companion.rules import in_transit
from companion.rules import not_paid
from companion.rules import not_shipped
from companion.rules import number_not_issued
from companion.rules import protection_ending
from companion.rules import refund_eligible
from companion.rules import stalled
from companion.rules import taking_long
from companion.rules import tracking_not_checked
from companion.rules import untracked_service
from companion.rules import update_delay
from companion.rules.case import Case
from companion.rules.case import build_case

RULES = (
    cancelled,
    not_paid,
    delivered,
    refund_eligible,
    customs_hold,
    protection_ending,
    carrier_system_error,
    handed_over,
    customs_in_progress,
    untracked_service,
    stalled,
    number_not_issued,
    update_delay,
    not_shipped,
    taking_long,
    tracking_not_checked,
    in_transit,
)
CAUSES = tuple(rule.CAUSE for rule in RULES)

__all__ = ["CAUSES", "RULES", "Case", "build_case", "evaluate"]


def evaluate(case: Case) -> list[Finding]:
    """Every finding for the case, primary first. Never empty."""
    findings = [found for rule in RULES if (found := rule.check(case)) is not None]
    return findings or [tracking_not_checked.check(case, fallback=True)]
