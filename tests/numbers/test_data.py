"""The shape of the registry's data files: conventions as tests, not review comments.

Each failure message says what to fix in ``companion/numbers/carriers.json`` (or countries.json).
"""

import json
import re
from pathlib import Path

import pytest

from companion.numbers import checksums
from companion.numbers import registry

DATA_DIR = Path(registry.__file__).parent
CARRIERS_TEXT = (DATA_DIR / "carriers.json").read_text(encoding="utf-8")
CARRIERS = json.loads(CARRIERS_TEXT)
COUNTRIES = json.loads((DATA_DIR / "countries.json").read_text(encoding="utf-8"))
FORMATS = [(c["id"], f) for c in CARRIERS for f in c["formats"]]

# Ids the product's API and other modules use (docs/design.md; the brief of this package).
REQUIRED_IDS = {
    "cainiao", "china-post", "hongkong-post", "kr.epost.ems", "s10", "yunexpress", "4px", "yanwen",
    "cn.sf", "cn.jt", "cn.yto", "cn.zto", "cn.sto", "cn.yunda", "cn.jd", "cn.cainiao-domestic", "cn.ems",
    "kr.cjlogistics", "kr.hanjin", "kr.lotte", "kr.logen", "kr.epost", "kr.kdexp", "kr.daesin",
    "kr.ilyanglogis", "kr.chunilps", "kr.cupost", "kr.cvsnet",
}


def canonical(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_files_are_canonically_formatted():
    assert CARRIERS_TEXT == canonical(CARRIERS), (
        "carriers.json is not in canonical form; rewrite it with "
        "json.dumps(data, ensure_ascii=False, indent=2) plus a final newline")
    countries_text = (DATA_DIR / "countries.json").read_text(encoding="utf-8")
    assert countries_text == canonical(COUNTRIES), "countries.json is not in canonical form"


def test_ids_are_sorted_unique_and_well_formed():
    ids = [c["id"] for c in CARRIERS]
    assert ids == sorted(ids), "keep carrier entries sorted by id"
    assert len(ids) == len(set(ids)), "carrier ids must be unique"
    for cid in ids:
        assert re.fullmatch(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", cid), f"{cid}: ids are lowercase, dot/dash separated"
    assert REQUIRED_IDS <= set(ids), f"missing carrier ids: {sorted(REQUIRED_IDS - set(ids))}"


@pytest.mark.parametrize("entry", CARRIERS, ids=lambda c: c["id"])
def test_entry_shape(entry):
    required = {"id", "name", "aliases", "kind", "formats", "tracking_url", "examples"}
    assert required <= entry.keys(), f"{entry['id']}: missing keys {sorted(required - entry.keys())}"
    assert entry["name"].keys() == {"ko", "en"}, f"{entry['id']}: name needs exactly ko and en"
    assert all(entry["name"].values()), f"{entry['id']}: empty name"
    assert entry["kind"] in registry.KINDS, f"{entry['id']}: kind must be one of {registry.KINDS}"
    assert entry["aliases"], f"{entry['id']}: give at least one alias (the names pages print)"
    assert set(entry["examples"]) <= {"valid", "invalid", "note"}
    if entry["formats"]:
        assert entry["examples"]["valid"], f"{entry['id']}: a carrier with formats needs a valid example"
    else:
        assert not entry["examples"]["valid"] and not entry["examples"]["invalid"], (
            f"{entry['id']}: without formats there is nothing for examples to test")
    format_ids = [f["id"] for f in entry["formats"]]
    assert len(format_ids) == len(set(format_ids)), f"{entry['id']}: format ids must be unique"


@pytest.mark.parametrize("entry", CARRIERS, ids=lambda c: c["id"])
def test_tracking_url_is_https_template(entry):
    url = entry["tracking_url"]
    if url is None:
        return
    assert url.startswith("https://"), f"{entry['id']}: https only; drop http-only links and say so in a note"
    assert "{number}" in url, f"{entry['id']}: the template needs a {{number}} placeholder"
    assert entry.get("tracking_url_source"), f"{entry['id']}: say where the tracking_url comes from"


def test_names_and_aliases_are_unique():
    owner = {}
    for entry in CARRIERS:
        alias_keys = [registry._name_key(a) for a in entry["aliases"]]
        assert len(alias_keys) == len(set(alias_keys)), (
            f"{entry['id']}: two aliases differ only in case, spacing or punctuation; keep one")
        for name in (entry["id"], *entry["name"].values(), *entry["aliases"]):
            key = registry._name_key(name)
            assert owner.setdefault(key, entry["id"]) == entry["id"], (
                f"{name!r} names both {owner[key]} and {entry['id']}")


@pytest.mark.parametrize("cid, fmt", FORMATS, ids=lambda v: v if isinstance(v, str) else v["id"])
def test_format_shape(cid, fmt):
    assert fmt["patterns"], f"{cid}/{fmt['id']}: no patterns"
    for source in fmt["patterns"]:
        pattern = re.compile(source)  # raises when it does not compile
        assert source.startswith("^") and source.endswith("$"), (
            f"{cid}/{fmt['id']}: anchor {source!r} with ^…$ (it applies to the whole normalized number)")
        if fmt["checksum"]:
            assert {"SerialNumber", "CheckDigit"} <= pattern.groupindex.keys(), (
                f"{cid}/{fmt['id']}: a checksum reads the SerialNumber and CheckDigit groups")
    if fmt["checksum"]:
        assert fmt["checksum"]["name"] in checksums.ALGORITHMS, (
            f"{cid}/{fmt['id']}: checksum must be one of {sorted(checksums.ALGORITHMS)}")
        checksums.build(fmt["checksum"])
    assert fmt["tracking"] in registry.TRACKING_LEVELS
    assert fmt["confidence"] in registry.CONFIDENCES, f"{cid}/{fmt['id']}: confidence is H, M or L"
    assert fmt["source"].strip(), f"{cid}/{fmt['id']}: every format says where its fact comes from"
    assert "note" in fmt


def test_s10_service_indicators():
    rows = next(c for c in CARRIERS if c["id"] == "s10")["service_indicators"]
    assert rows
    for row in rows:
        assert row["pattern"].startswith("^") and row["pattern"].endswith("$")
        re.compile(row["pattern"])
        assert row["tracking"] in registry.TRACKING_LEVELS
        assert row["confidence"] in registry.CONFIDENCES
        assert row["source"] and row["meaning"]
    levels = {row["pattern"]: row["tracking"] for row in rows}
    assert levels["^U[A-Z]$"] == "partial", "U… letter post is the textbook 'partially tracked' service"
    assert [c["id"] for c in CARRIERS if "service_indicators" in c] == ["s10"], "one S10 table, on s10"


def test_countries_are_the_iso_list():
    codes = COUNTRIES["codes"]
    assert list(codes) == sorted(codes)
    assert len(codes) == 249, "ISO 3166-1 assigns 249 alpha-2 codes"
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert {"CN", "HK", "KR", "GB", "US", "CV", "CF", "BR"} <= codes.keys()
    assert "XX" not in codes
    assert COUNTRIES["source"]


def test_checksum_list_is_closed():
    assert set(checksums.ALGORITHMS) == {"s10", "mod7"}
    with pytest.raises(ValueError, match="unknown checksum"):
        checksums.build({"name": "luhn"})
    with pytest.raises(ValueError, match="bad parameters"):
        checksums.build({"name": "mod7", "modulo": 7})


def test_unknown_checksum_in_data_raises_at_load():
    bad = {"id": "x", "patterns": ["^(?P<SerialNumber>\\d{9})(?P<CheckDigit>\\d)$"],
           "checksum": {"name": "mod10"}, "tracking": "full", "confidence": "H", "source": "test"}
    with pytest.raises(ValueError, match="unknown checksum 'mod10'"):
        registry._format_from(bad, "test")


def test_checksum_without_its_groups_raises_at_load():
    bad = {"id": "x", "patterns": ["^\\d{10}$"], "checksum": {"name": "mod7"},
           "tracking": "full", "confidence": "H", "source": "test"}
    with pytest.raises(ValueError, match="SerialNumber and CheckDigit"):
        registry._format_from(bad, "test")


def test_s10_checksum_worked_example():
    # docs/facts/carriers.md §1.1: RB 12345678 5: 8+12+12+8+15+30+63+56 = 204; 204 % 11 = 6; 11 - 6 = 5.
    assert checksums.s10("12345678", "5")
    assert not checksums.s10("12345678", "6")
    assert checksums.s10("00000000", "5")  # r = 0 gives 5
    assert not checksums.s10("1234567", "5")  # wrong serial length never passes


def test_mod7_rule():
    assert checksums.mod7("12345678901", "3")  # 12345678901 % 7 == 3
    assert not checksums.mod7("12345678901", "4")


def test_data_loads():
    carriers = registry.all_carriers()
    assert [c.id for c in carriers] == [c["id"] for c in CARRIERS]
