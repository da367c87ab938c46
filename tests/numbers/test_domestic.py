"""One reading of a parcel's Korean leg (companion/numbers/domestic.py): the rules, the live
lookups and the tracking page reader all ask it, and the providers ask the number registry
whether a number is theirs."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from companion import dates
from companion import numbers
from companion.lookups import PROVIDERS
from companion.lookups import _courier
from companion.lookups import cainiao
from companion.models import Parcel
from companion.rules.case import parcel_facts

NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")
COMPANION = Path(__file__).resolve().parents[2] / "companion"

LEGS = [
    # (tracking number, domestic number, carrier name) → (courier id, number)
    (("LP00432912345678", "561000000505", "CJ대한통운"), ("kr.cjlogistics", "561000000505")),
    (("561000000505", None, "CJ"), ("kr.cjlogistics", "561000000505")),
    (("561000000505", None, None), (None, "561000000505")),  # CJ or Hanjin: neither
    (("42012345678901", None, None), ("kr.hanjin", "42012345678901")),
    (("6012345678901", None, None), ("kr.epost", "6012345678901")),
    (("LP00432912345678", "240123456786", "롯데택배"), ("kr.lotte", "240123456786")),
    (("LP00432912345678", None, "AliExpress Selection Standard"), (None, None)),
    # the rules read these two differently before: a name with its English in brackets, and a
    # carrier that is no Korean courier named beside an ambiguous number
    (("LP00432912345678", "561000000505", "CJ대한통운(CJ Logistics)"), ("kr.cjlogistics", "561000000505")),
    (("LP00432912345678", "561000000505", "Cainiao"), (None, "561000000505")),
    (("561-0000-0050 5", None, "Hanjin"), ("kr.hanjin", "561000000505")),  # printed with separators
    (("8215000000000404", None, None), (None, None)),  # an order id is no courier number
]


@pytest.mark.parametrize(("given", "leg"), LEGS, ids=[f"{g[0]}/{g[2]}" for g, _ in LEGS])
def test_the_rules_and_the_lookups_read_the_same_korean_leg(given, leg):
    tracking, domestic, name = given
    courier, number = numbers.domestic_leg(tracking, domestic, name)
    assert ((courier.id if courier else None), number) == leg
    parcel = Parcel(tracking_number=tracking, domestic_number=domestic, carrier_name=name)
    facts = parcel_facts(parcel, NOW)
    assert ((facts.domestic_carrier.id if facts.domestic_carrier else None), facts.domestic_number) == leg
    assert _courier.domestic(parcel) == leg


def test_a_korean_courier_number_is_one_a_korean_courier_format_fits():
    assert all(numbers.is_korean_courier_number("1" * n) for n in range(10, 15))
    assert not any(numbers.is_korean_courier_number("1" * n) for n in (8, 9, 15, 16))
    assert not numbers.is_korean_courier_number("LP00432912345678")
    assert not numbers.is_korean_courier_number(None)


def test_each_courier_provider_takes_its_numbers_from_the_registry():
    couriers = [p for p in PROVIDERS if isinstance(p, _courier.Courier)]
    assert {p.id for p in couriers} <= {c.id for c in numbers.all_carriers() if c.kind == "kr_courier"}
    # each courier's own examples in carriers.json: its valid ones taken, its invalid ones refused
    entries = {e["id"]: e for e in json.loads((COMPANION / "numbers" / "carriers.json").read_text(encoding="utf-8"))}
    checked = 0
    for provider in couriers:
        examples = entries[provider.id].get("examples", {})
        for example in examples.get("valid", []):
            assert provider.valid(numbers.normalize(example)), (provider.id, example)
            checked += 1
        for example in examples.get("invalid", []):
            assert not provider.valid(numbers.normalize(example)), (provider.id, example)
            checked += 1
    assert checked >= 2 * len(couriers)
    lotte = next(p for p in couriers if p.id == "kr.lotte")
    assert lotte.valid("240123456786") and not lotte.valid("240123456787")  # the check digit, from the data


def test_cainiao_asks_about_its_own_and_postal_numbers_only():
    ours = cainiao.PROVIDER
    for number, expected in (
        ("LP00432912345678", True), ("SWX900000000000000404", True), ("RB123456785GB", True),
        # an S10 number whose check digit fails is still Cainiao's to answer: a carrier may have
        # events for it (placeholders in published samples, a carrier's own odd series)
        ("RR123456785CN", True), ("RB123456786GB", True), ("RB12345678GB", False),
        ("561000000505", False), ("YT1234567890123456", False),
    ):
        assert ours.numbers(Parcel(tracking_number=number)) == ([number] if expected else []), number


def test_no_provider_keeps_number_formats_of_its_own():
    """No regex of a number and no check digit in the providers: the registry has them."""
    for path in sorted((COMPANION / "lookups").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Name) and node.id == "number_pattern"), path.name
            assert not (isinstance(node, ast.Attribute) and node.attr == "number_pattern"), path.name
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Constant) and node.right.value == 7), path.name
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "\\d{10" not in node.value and "\\d{13}" not in node.value and "\\d{9}" not in node.value, (path.name, node.value)
