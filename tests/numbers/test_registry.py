"""Behaviour of the registry: every data entry's own examples, the shared vectors, ambiguity,
hints, tracking levels, free-text extraction and deep links."""

import json
from pathlib import Path

import pytest

from companion.numbers import Identification
from companion.numbers import carrier
from companion.numbers import carrier_for_name
from companion.numbers import find_numbers
from companion.numbers import identify
from companion.numbers import normalize

# --- every entry's own examples (collected from the data, one test each) ---------------------

DATA = json.loads((Path(__file__).parents[2] / "companion/numbers/carriers.json").read_text(encoding="utf-8"))
EXAMPLES = [
    pytest.param(entry["id"], number, expected, id=f"{entry['id']}:{number}")
    for entry in DATA
    for expected, key in ((True, "valid"), (False, "invalid"))
    for number in entry["examples"][key]
]


@pytest.mark.parametrize("carrier_id, number, expected", EXAMPLES)
def test_data_example(carrier_id, number, expected):
    me = carrier(carrier_id)
    plain = identify(number)
    hinted = identify(number, hint=carrier_id)
    if expected:
        assert plain.valid and me in plain.carriers, plain
        assert hinted.valid and hinted.carriers == (me,), hinted
    else:
        assert not (plain.valid and me in plain.carriers), plain
        assert not (hinted.valid and me in hinted.carriers), hinted


# --- published test vectors (vectors.json, each entry naming the repository it came from) ---

VECTORS = json.loads((Path(__file__).with_name("vectors.json")).read_text(encoding="utf-8"))


def _vector_params():
    return [pytest.param(v, id=v["id"]) for v in VECTORS]


def _check_s10(vector):
    for number in vector["valid"]:
        result = identify(number)
        assert result.valid, (number, result)
        assert result.carrier.id in {"s10", "china-post", "hongkong-post", "kr.epost.ems"}
    for number in vector["invalid"]:
        assert not identify(number).valid, number


def _check_yunexpress(vector):
    for number in vector["valid"]:
        result = identify(number)
        assert result.valid and result.carrier.id == "yunexpress", (number, result)
    for number in vector["invalid"]:
        assert not identify(number).valid, number


def _check_lotte(vector):
    lotte = carrier("kr.lotte")
    for number in vector["valid"]:
        result = identify(number)
        assert result.valid and result.carrier == lotte, (number, result)  # check-verified goes first
        assert identify(number, hint="롯데").carriers == (lotte,)
    for number in vector["invalid"]:
        result = identify(number)
        assert not (result.valid and lotte in result.carriers), (number, result)
        hinted = identify(number, hint="롯데")
        assert not (hinted.valid and lotte in hinted.carriers), (number, hinted)


def _check_logen(vector):
    for number in vector["valid"]:
        result = identify(number)
        assert result.valid and result.carrier.id == "kr.logen", (number, result)


def _check_dhl_ecommerce(vector):
    # Collision reference only: DHL eCommerce is not in the registry, and nothing else claims these.
    for number in vector["valid"] + vector["invalid"]:
        result = identify(number)
        assert result.number == normalize(number)
        assert result.carriers == () and not result.valid, (number, result)


def _check_dhl_express(vector):
    # The documented collision: a 10-11 digit DHL Express waybill looks exactly like a Korean
    # courier number (CJ/Hanjin 10, Logen 11); the registry names only Korean candidates.
    for number in vector["valid"] + vector["invalid"]:
        result = identify(number)
        assert result.valid and result.carriers, (number, result)
        assert {c.kind for c in result.carriers} == {"kr_courier"}, (number, result)


def _check_cargo_management(vector):
    # 화물관리번호 are customs ids, not tracking numbers: no carrier format claims them.
    for number in vector["valid"]:
        result = identify(number)
        assert not result.valid and result.carriers == () and result.reason == "no known format"


def _check_house_bl(vector):
    for number in vector["valid"]:
        result = identify(number)
        assert isinstance(result, Identification) and result.number == normalize(number)
        if number.isdigit():  # courier waybills: Korean candidates by length
            assert result.valid and result.carrier.kind == "kr_courier", (number, result)
        else:  # e.g. a UPS waybill: no format here
            assert not result.valid and result.carriers == ()
    assert identify("6077801733143").carrier.id == "kr.epost"  # 13 digits from 60…: Korea Post
    assert identify("5507410484").carrier.id == "kr.cjlogistics"  # a DHL waybill, seen as CJ (collision)


def _check_master_bl(vector):
    for number in vector["valid"]:
        result = identify(number)
        if number.isdigit():  # 11-digit air waybills collide with Logen's 11 digits
            assert [c.id for c in result.carriers] == ["kr.logen"], (number, result)
        else:
            assert result.carriers == (), (number, result)


VECTOR_CHECKS = {
    "s10": _check_s10,
    "s10-whitespace-legacy": _check_s10,
    "s10-derived-cn-kr": _check_s10,
    "yunexpress": _check_yunexpress,
    "lotte-mod7-derived": _check_lotte,
    "logen-observed-sample": _check_logen,
    "dhl_ecommerce": _check_dhl_ecommerce,
    "dhl_express": _check_dhl_express,
    "unipass-cargo-management-numbers": _check_cargo_management,
    "unipass-house-bl-samples": _check_house_bl,
    "unipass-master-bl-samples": _check_master_bl,
}


@pytest.mark.parametrize("vector", _vector_params())
def test_shared_vector(vector):
    check = VECTOR_CHECKS.get(vector["id"])
    assert check is not None, f"no check written for vector {vector['id']!r}; add one to VECTOR_CHECKS"
    check(vector)


# --- identification -----------------------------------------------------------------------


def ids(result):
    return [c.id for c in result.carriers]


def test_twelve_digits_are_ambiguous_without_a_hint():
    result = identify("561000000505")
    assert result.valid
    assert ids(result) == ["kr.cjlogistics", "kr.hanjin"]  # Lotte's check digit fails: not a candidate
    assert "ambiguous" in result.reason


def test_lotte_check_digit_puts_lotte_first():
    assert ids(identify("123456789013")) == ["kr.lotte", "kr.cjlogistics", "kr.hanjin"]


@pytest.mark.parametrize("hint", ["CJ", "CJ대한통운", "cj 대한통운", "CJ Logistics", "kr.cjlogistics"])
def test_hint_cj_narrows(hint):
    assert ids(identify("561000000505", hint=hint)) == ["kr.cjlogistics"]


@pytest.mark.parametrize("hint", ["Hanjin", "한진", "한진택배", "HANJIN"])
def test_hint_hanjin_narrows(hint):
    result = identify("561000000505", hint=hint)
    assert result.valid and ids(result) == ["kr.hanjin"]


def test_hint_naming_a_carrier_whose_check_digit_fails():
    result = identify("123456789014", hint="롯데택배")
    assert not result.valid and ids(result) == ["kr.lotte"]
    assert result.reason == "check digit does not match"


def test_hint_naming_a_carrier_without_formats():
    result = identify("561000000505", hint="경동")
    assert result.valid and ids(result) == ["kr.kdexp"] and result.tracking == "unknown"
    assert identify("12345678", hint="경동택배").valid  # 8-14 digits are plausible
    assert not identify("1234567", hint="경동택배").valid
    assert ids(identify("LP00900000000303", hint="경동")) == ["cainiao"]  # not a courier-number shape


def test_hint_that_does_not_fit_is_ignored_but_said():
    result = identify("RR123456785CN", hint="CJ")
    assert result.valid and ids(result) == ["china-post"]
    assert "kr.cjlogistics" in result.reason
    assert ids(identify("561000000505", hint="no such carrier")) == ["kr.cjlogistics", "kr.hanjin"]


def test_china_post_s10():
    result = identify("RR123456785CN")
    assert result.valid and ids(result) == ["china-post"] and result.tracking == "full"
    bad = identify("RR123456786CN")
    assert not bad.valid and ids(bad) == ["china-post"] and bad.reason == "check digit does not match"


def test_u_prefixed_s10_is_partially_tracked():
    result = identify("UA000000014CN")
    assert result.valid and result.carrier.id == "china-post"
    assert result.tracking == "partial"
    assert "letter post" in result.reason


def test_s10_unknown_country():
    result = identify("RB123456785XX")
    assert not result.valid and result.reason == "unknown country code XX"


def test_korea_post_ems():
    assert ids(identify("EE123456785KR")) == ["kr.epost.ems"]
    assert identify("EE123456785KR").tracking == "full"


@pytest.mark.parametrize("number", ["LP00900000000303", "lp 0090 0000 0003 03", "SWX900000000000000404"])
def test_cainiao(number):
    result = identify(number)
    assert result.valid and ids(result) == ["cainiao"] and result.tracking == "full"


def test_low_confidence_formats_say_so():
    result = identify("CN123456789012")
    assert result.valid and ids(result) == ["cainiao"] and "low-confidence" in result.reason


def test_yt_prefix_collision_is_told_apart_by_length():
    assert ids(identify("YT2229521272164446")) == ["yunexpress"]
    assert ids(identify("YT1234567890123")) == ["cn.yto"]


def test_china_domestic_is_origin_only():
    assert identify("SF1234567890123").tracking == "origin_only"


def test_korean_candidates_before_chinese_ones():
    assert ids(identify("5123456789012")) == ["kr.epost", "cn.yunda"]


def test_no_format_and_empty():
    assert identify("HELLO").reason == "no known format"
    empty = identify("   ")
    assert not empty.valid and empty.reason == "empty number"


def test_normalize():
    assert normalize("933-1357-8164") == "93313578164"
    assert normalize(" R B 1 2 3 4 5 6 7 8 5 C F ") == "RB123456785CF"
    assert normalize("lp.0090.0000.0003.03") == "LP00900000000303"
    assert normalize("ＲＲ１２３４５６７８５ＣＮ") == "RR123456785CN"  # full-width, as pasted from Korean pages


def test_to_dict_in_both_languages():
    result = identify("933-1357-8164")
    assert result.to_dict() == {
        "number": "93313578164", "valid": True,
        "carriers": [{"id": "kr.logen", "name": "로젠택배"}],
        "tracking": "full", "reason": "matches a known format",
    }
    assert result.to_dict("en")["carriers"] == [{"id": "kr.logen", "name": "Logen"}]


# --- carriers by id and by name ------------------------------------------------------------


def test_carrier_by_id():
    assert carrier("kr.lotte").name("ko") == "롯데택배"
    assert carrier("kr.lotte").name("en") == "Lotte Global Logistics"
    assert carrier("kr.lotte").name("fr") == "Lotte Global Logistics"  # falls back to English
    with pytest.raises(KeyError):
        carrier("kr.nope")


@pytest.mark.parametrize("name, expected", [
    ("CJ", "kr.cjlogistics"), ("Hanjin", "kr.hanjin"), ("Lotte", "kr.lotte"), ("Korea Post", "kr.epost"),
    ("J&T Express", "jt-express"), ("CJ대한통운", "kr.cjlogistics"), ("cj korea express", "kr.cjlogistics"),
    ("롯데글로벌로지스(주)", "kr.lotte"), ("우체국 EMS", "kr.epost.ems"), ("경동택배", "kr.kdexp"),
    ("Cainiao", "cainiao"), ("  로젠 택배 ", "kr.logen"), ("GS Postbox", "kr.cvsnet"),
])
def test_carrier_for_name(name, expected):
    assert carrier_for_name(name).id == expected


def test_carrier_for_unknown_name():
    assert carrier_for_name("Pony Express") is None
    assert carrier_for_name("") is None


def test_tracking_url_encodes_the_number():
    assert carrier("kr.logen").tracking_url("93313578164") == "https://www.ilogen.com/web/personal/trace/93313578164"
    url = carrier("cainiao").tracking_url("LP0/09 &x=1")
    assert url == "https://global.cainiao.com/newDetail.htm?mailNoList=LP0%2F09%20%26x%3D1"
    assert carrier("kr.chunilps").tracking_url("123") is None  # its only page is http-only


# --- numbers in free text ------------------------------------------------------------------

KO_MAIL = """[AliExpress] 택배 주문번호 8215000000000101 상품이 발송되었습니다.
배송업체: CJ대한통운 / 운송장 번호: 561000000505
배송기사 연락처: 010-1234-5678, 고객센터 1588-1255
결제금액 ₩12,345 (배송 2026-09-27)
국제 운송장 LP00900000000303 — 운송장LP00900000000303입니다
로젠택배 933-1357-8164"""

EN_MAIL = """Your order 8215000000000101 has shipped! Tracking for order 8215000000000101 is below.
Carrier: Hanjin   Tracking number: 520612345678
Origin reference LP00900000000303 (Cainiao). Questions? Call +82 10-1234-5678 or 010-1234-5678.
Total: $12.34 (123456789012 points). Track it at
https://global.cainiao.com/newDetail.htm?mailNoList=SWX900000000000000404 or with RR123456785CN."""


def test_find_numbers_in_a_korean_mail():
    found = find_numbers(KO_MAIL)
    assert found == ["561000000505", "LP00900000000303", "93313578164"]
    assert "8215000000000101" not in found and "01012345678" not in found


def test_find_numbers_in_an_english_mail():
    found = find_numbers(EN_MAIL)
    assert found == ["520612345678", "LP00900000000303", "SWX900000000000000404", "RR123456785CN"]
    assert "8215000000000101" not in found and "01012345678" not in found
    assert "123456789012" not in found  # digits with no tracking word before them


def test_find_numbers_uses_the_named_carrier():
    # 경동 has no known format: its name makes a plausible all-digit number count.
    assert find_numbers("경동택배 운송장 87654321 입니다") == ["87654321"]
    assert find_numbers("운송장 87654321") == []  # 8 digits match no format on their own


def test_find_numbers_leaves_dates_phones_and_amounts():
    assert find_numbers("운송장 등록일 2026-09-27, 문의 02-1234-5678, 금액 1,234,567.89") == []
    assert find_numbers("see you, cu later 561000000505") == []  # short aliases count only as printed ("CU")
    assert find_numbers("") == []
