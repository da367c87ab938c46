"""Which carrier a tracking number belongs to, whether it is well formed, how far it is tracked.

The facts live in ``carriers.json`` (one entry per carrier, each format with its source,
confidence and the carrier's own example numbers) and ``countries.json`` (ISO 3166-1 codes
for S10 numbers). This module only applies them; adding a carrier is a data edit.

Named regex groups carry meaning, as in jkeen/tracking_number_data:

- ``SerialNumber`` + ``CheckDigit`` feed the format's checksum (see ``checksums.py``);
- ``CountryCode`` must be a real ISO 3166-1 alpha-2 code;
- ``ServiceType`` is looked up in the ``s10`` entry's ``service_indicators`` table, which
  says how far that postal service is tracked (``U…`` letter post: partially).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import quote

from . import checksums

TRACKING_LEVELS = ("full", "partial", "origin_only")
CONFIDENCES = ("H", "M", "L")
# Also the tie-break order between equally specific candidates: this product serves parcels
# bound for Korea, so an all-digit number is more likely a Korean courier's than a Chinese one's.
KINDS = ("kr_courier", "postal", "international", "cn_domestic")

_DATA_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Format:
    """One number format of a carrier, as the data describes it."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    checksum: str | None
    tracking: str
    confidence: str
    source: str
    note: str = ""
    checker: checksums.Checker | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Carrier:
    """A carrier; equal (and hashed) by id only."""

    id: str
    names: dict[str, str] = field(compare=False)
    kind: str = field(compare=False)
    tracking_url_template: str | None = field(compare=False)
    aliases: tuple[str, ...] = field(compare=False)
    formats: tuple[Format, ...] = field(default=(), compare=False, repr=False)

    def name(self, lang: str = "ko") -> str:
        """The carrier's name in ``lang`` ("ko" or "en"), English when that language is missing."""
        return self.names.get(lang) or self.names["en"]

    def tracking_url(self, number: str) -> str | None:
        """The carrier's own tracking page for ``number`` (URL-encoded), or None when it has none."""
        if self.tracking_url_template is None:
            return None
        return self.tracking_url_template.replace("{number}", quote(number, safe=""))


@dataclass(frozen=True)
class Identification:
    """What the registry can tell about one number.

    ``carriers`` holds every candidate, most specific first. ``tracking`` is that of the first
    candidate ("unknown" when the number is invalid or its carrier has no known format).
    """

    number: str
    valid: bool
    carriers: tuple[Carrier, ...]
    tracking: str
    reason: str

    @property
    def carrier(self) -> Carrier | None:
        """The most likely carrier, or None."""
        return self.carriers[0] if self.carriers else None

    def to_dict(self, lang: str = "ko") -> dict:
        """The JSON of a number wherever it leaves the companion: a diagnosis's
        ``tracking_numbers``, ``POST /v1/identify`` and ``identify --json``."""
        return {
            "number": self.number,
            "valid": self.valid,
            "carriers": [{"id": c.id, "name": c.name(lang)} for c in self.carriers],
            "tracking": self.tracking,
            "reason": self.reason,
        }


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Data:
    carriers: tuple[Carrier, ...]
    by_id: dict[str, Carrier]
    by_name: dict[str, Carrier]
    services: tuple[tuple[re.Pattern[str], str, str], ...]  # (pattern, meaning, tracking)
    countries: frozenset[str]


def _read(name: str):
    return json.loads((_DATA_DIR / name).read_text(encoding="utf-8"))


def _one_of(value: str, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {allowed}")
    return value


def _format_from(entry: dict, where: str) -> Format:
    where = f"{where}/{entry['id']}"
    patterns = tuple(re.compile(p) for p in entry["patterns"])
    spec = entry.get("checksum")
    checker = None
    if spec is not None:
        checker = checksums.build(spec)
        for pattern in patterns:  # a checksum reads these groups; without them it could never pass
            if not {"SerialNumber", "CheckDigit"} <= pattern.groupindex.keys():
                raise ValueError(f"{where}: a checksum needs SerialNumber and CheckDigit groups")
    return Format(
        id=entry["id"],
        patterns=patterns,
        checksum=spec["name"] if spec else None,
        tracking=_one_of(entry["tracking"], TRACKING_LEVELS, where),
        confidence=_one_of(entry["confidence"], CONFIDENCES, where),
        source=entry["source"],
        note=entry.get("note", ""),
        checker=checker,
    )


def _carrier_from(entry: dict) -> Carrier:
    return Carrier(
        id=entry["id"],
        names=dict(entry["name"]),
        kind=_one_of(entry["kind"], KINDS, entry["id"]),
        tracking_url_template=entry.get("tracking_url"),
        aliases=tuple(entry.get("aliases", ())),
        formats=tuple(_format_from(f, entry["id"]) for f in entry.get("formats", ())),
    )


@functools.cache
def _data() -> _Data:
    """Load and check the data once per process."""
    raw = _read("carriers.json")
    carriers = tuple(_carrier_from(entry) for entry in raw)
    by_name: dict[str, Carrier] = {}
    for c in carriers:
        for name in (c.id, *c.names.values(), *c.aliases):
            other = by_name.setdefault(_name_key(name), c)
            if other != c:
                raise ValueError(f"name {name!r} is used by both {other.id} and {c.id}")
    services = tuple(
        (re.compile(row["pattern"]), row["meaning"], _one_of(row["tracking"], TRACKING_LEVELS, "s10 services"))
        for entry in raw
        for row in entry.get("service_indicators", ())
    )
    return _Data(
        carriers=carriers,
        by_id={c.id: c for c in carriers},
        by_name=by_name,
        services=services,
        countries=frozenset(_read("countries.json")["codes"]),
    )


# --- names ---------------------------------------------------------------------------------

# Korean company markers that UNI-PASS and invoices add ("롯데글로벌로지스(주)").
_COMPANY_MARKS = re.compile(r"\(주\)|주식회사")
_NAME_PUNCT = set("-_.·,()")


def _name_key(name: str) -> str:
    """Case-, width- and space-insensitive key for matching a printed carrier name."""
    text = _COMPANY_MARKS.sub("", unicodedata.normalize("NFKC", name))  # NFKC turns ㈜ into (주)
    return "".join(ch for ch in text.casefold() if not ch.isspace() and ch not in _NAME_PUNCT)


def all_carriers() -> tuple[Carrier, ...]:
    """Every carrier, in data order (sorted by id)."""
    return _data().carriers


def carrier(carrier_id: str) -> Carrier:
    """The carrier with this id; KeyError when there is none."""
    return _data().by_id[carrier_id]


def carrier_for_name(name: str) -> Carrier | None:
    """The carrier a page means by ``name`` ("CJ", "한진", "Korea Post", an id), or None."""
    if not name:
        return None
    return _data().by_name.get(_name_key(name))


# --- identification ------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")


def normalize(raw: str) -> str:
    """Uppercase, without the spaces, dashes and dots people and pages put inside numbers."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


# What a page or a service may print around a number: a label ending in a colon ("Latest
# Tracking Number:\t", "운송장 번호 :"), a copy button's word.
_LABEL = re.compile(r"^.*[:：]\s*", re.S)
_COPY_WORDS = re.compile(r"\b(?:copy|복사)\b|복사하기", re.I)
_NUMBER_CHARS = re.compile(r"[A-Z0-9]{8,40}")


def extract(raw) -> str | None:
    """The tracking number a printed value holds, or None when it holds none.

    Every number the project shows or puts in a link comes through here, whatever its source
    (page text, ``mailNo``, ``logisticsCpInfo``, Cainiao's ``realMailNo``, a courier's page):
    trimmed, the label and the copy button's word removed, the separators people print inside
    numbers removed, upper-cased, and then only letters and digits, 8–40 of them, at least one
    digit. Cainiao's ``realMailNo`` "Latest Tracking Number:\tRC000000003EE" gives
    "RC000000003EE"; "Latest Tracking Number:" alone gives None.
    """
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)[:200]
    text = _COPY_WORDS.sub(" ", _LABEL.sub("", text))
    number = normalize(text)
    if _NUMBER_CHARS.fullmatch(number) and any(ch.isdigit() for ch in number):
        return number
    # A value with more than one word: the one word that is a number ("RC000000003EE (CJ)").
    words = [w for w in (normalize(part) for part in re.split(r"[\s,;/()\[\]]+", text)) if w]
    found = [w for w in words if _NUMBER_CHARS.fullmatch(w) and any(ch.isdigit() for ch in w)]
    return found[0] if len(found) == 1 else None


@functools.cache
def _distinctive(pattern: str) -> bool:
    """Whether a pattern starts with a literal that few numbers share: a letter, or 3+ digits.

    A one- or two-digit lead is shared by 1 in 10 or 1 in 100 numbers of that length, so it
    says little more than the length does.
    """
    lead = re.match(r"\^([A-Z0-9]*)", pattern)
    prefix = lead.group(1) if lead else ""
    return len(prefix) >= 3 or any(ch.isalpha() for ch in prefix)


@dataclass(frozen=True)
class _Match:
    carrier: Carrier
    fmt: Format
    order: int  # the carrier's place in the data, the last tie-break
    distinctive: bool
    failure: str  # "" when every check passed
    tracking: str
    service: str  # "service UA: letter post, …" for S10 numbers, else ""

    def rank(self) -> tuple:
        verified = self.fmt.checker is not None and not self.failure
        return (not verified, not self.distinctive, CONFIDENCES.index(self.fmt.confidence),
                KINDS.index(self.carrier.kind), self.order)


def _matches(number: str, data: _Data) -> list[_Match]:
    found = []
    for order, c in enumerate(data.carriers):
        for fmt in c.formats:
            m = next((m for p in fmt.patterns if (m := p.match(number))), None)
            if m is None:
                continue
            groups = m.groupdict()
            failure = ""
            if fmt.checker and not fmt.checker(groups["SerialNumber"], groups["CheckDigit"]):
                failure = "check digit does not match"
            elif groups.get("CountryCode") and groups["CountryCode"] not in data.countries:
                failure = f"unknown country code {groups['CountryCode']}"
            tracking, service = fmt.tracking, ""
            if groups.get("ServiceType"):
                code = groups["ServiceType"]
                row = next((r for r in data.services if r[0].match(code)), None)
                if row:
                    tracking, service = row[2], f"service {code}: {row[1]}"
            found.append(_Match(c, fmt, order, _distinctive(m.re.pattern), failure, tracking, service))
    return sorted(found, key=_Match.rank)


def _best_per_carrier(matches: list[_Match]) -> list[_Match]:
    seen: set[str] = set()
    return [m for m in matches if not (m.carrier.id in seen or seen.add(m.carrier.id))]


def _plausible_courier_number(number: str) -> bool:
    """Korean courier numbers are 8–14 digits; used when a named carrier has no known format."""
    return number.isdigit() and 8 <= len(number) <= 14


def _why_valid(chosen: list[_Match]) -> str:
    first = chosen[0]
    parts = [f"ambiguous: {len(chosen)} carriers use numbers like this" if len(chosen) > 1
             else "check digit verified" if first.fmt.checker else "matches a known format"]
    if first.service:
        parts.append(first.service)
    if first.fmt.confidence == "L":
        parts.append("low-confidence format")
    return "; ".join(parts)


def shapes_of(raw: str) -> tuple[Carrier, ...]:
    """Every carrier one of whose formats ``raw`` has the shape of, check digits aside."""
    return tuple(m.carrier for m in _best_per_carrier(_matches(normalize(raw), _data())))


def is_number_of(raw: str, carrier_id: str) -> bool:
    """Whether ``raw`` is a well-formed number of that carrier: one of its formats fits, with its
    check digit and country code (what a live lookup asks before it sends a number anywhere)."""
    identity = identify(raw, hint=carrier_id)
    return identity.valid and bool(identity.carriers) and identity.carriers[0].id == carrier_id


def identify(raw: str, hint: str | None = None) -> Identification:
    """Candidates and validity for one number; ``hint`` is the carrier name the page prints.

    A hint that names one of the candidates narrows to it (also when its check digit fails:
    then the number is invalid for the carrier the page names). A hint that names a carrier
    with no known format is believed for any 8–14 digit number.
    """
    number = normalize(raw)
    if not number:
        return Identification(number, False, (), "unknown", "empty number")
    if _MOBILE.fullmatch(number):  # 010-…: a phone number, whatever 11-digit format it also fits
        return Identification(number, False, (), "unknown", "a Korean mobile phone number, not a tracking number")
    matches = _matches(number, _data())
    named = carrier_for_name(hint) if hint else None
    note = ""
    if named is not None:
        narrowed = [m for m in matches if m.carrier == named]
        if narrowed:
            matches = narrowed
        elif not named.formats and _plausible_courier_number(number):
            return Identification(number, True, (named,), "unknown",
                                  "named carrier; it has no known number format")
        else:
            note = f"the named carrier {named.id} does not use this format"
    good = [m for m in matches if not m.failure]
    if good:
        chosen = _best_per_carrier(good)
        reason = "; ".join(filter(None, [_why_valid(chosen), note]))
        return Identification(number, True, tuple(m.carrier for m in chosen), chosen[0].tracking, reason)
    chosen = _best_per_carrier(matches)
    reason = "; ".join(filter(None, [chosen[0].failure if chosen else "no known format", note]))
    return Identification(number, False, tuple(m.carrier for m in chosen), "unknown", reason)


# --- numbers in free text ------------------------------------------------------------------

# Words that say "a tracking number follows". Carrier names and aliases are added from the data.
_KEYWORDS = ("운송장", "송장", "택배", "등기", "배송조회", "tracking", "track", "waybill", "awb")
# Aliases that are also everyday words, so they must not make a nearby number count.
_NOT_KEYWORDS = {"대신"}  # 대신택배's short name; also "instead"
_WINDOW = 40  # how far (in characters) before a number its keyword may stand

# Letter-bearing tokens (S10, LP…, SWX…, YT…) are specific enough to take anywhere.
_TOKEN = re.compile(r"[0-9A-Za-z]+")
# All-digit numbers, maybe printed in dash-separated groups of 3+ digits (933-1357-8164); the
# 3+ rule keeps dates (2026-09-27) out, the look-arounds keep pieces of longer tokens out.
_DIGITS = re.compile(r"(?<![0-9A-Za-z\-])(?<!\d[.,])\d{3,}(?:-\d{3,})*(?![0-9A-Za-z]|-\d|[.,]\d)")
# Korean phone numbers: mobiles (010-…), other 0-led numbers printed with dashes, and the
# 8-digit company numbers (1588-1255) couriers print next to their name.
_MOBILE = re.compile(r"01[016789]\d{7,8}")
_COMPANY_PHONE = re.compile(r"1[5-9]\d{6}")


@functools.cache
def _keyword_regex() -> re.Pattern[str]:
    names = {n for c in _data().carriers for n in (*c.names.values(), *c.aliases)
             if len(n) >= 2 and n not in _NOT_KEYWORDS}
    parts = []
    for word in sorted(set(_KEYWORDS) | names, key=len, reverse=True):  # longest first: "CJ대한통운" before "CJ"
        left = r"(?<![A-Za-z0-9])" if word[0].isascii() and word[0].isalnum() else ""
        right = r"(?![A-Za-z0-9])" if word[-1].isascii() and word[-1].isalnum() else ""
        body = re.escape(word)
        if word in names and word.isascii() and len(word) <= 3:  # "CJ", "CU", "SF": as printed, not "cu later"
            body = f"(?-i:{body})"
        parts.append(left + body + right)
    return re.compile("|".join(parts), re.IGNORECASE)


def _looks_like_phone(printed: str, digits: str) -> bool:
    return bool(_MOBILE.fullmatch(digits) or _COMPANY_PHONE.fullmatch(digits)
                or (digits.startswith("0") and "-" in printed))


def find_numbers(text: str) -> list[str]:
    """Every tracking number in free text, normalized, without repeats, in order of appearance.

    All-digit numbers count only after a tracking keyword or a carrier name (within 40
    characters), so order ids, phone numbers and prices are left alone.
    """
    text = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[int, str]] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if (not token.isdigit() and 8 <= len(token) <= 40 and any(ch.isdigit() for ch in token)
                and identify(token).carriers):
            found.append((m.start(), normalize(token)))
    keywords = [(k.end(), k.group()) for k in _keyword_regex().finditer(text)]
    for m in _DIGITS.finditer(text):
        digits = m.group().replace("-", "")
        if _looks_like_phone(m.group(), digits):
            continue
        near = [word for end, word in keywords if m.start() - _WINDOW <= end <= m.start()]
        if not near:
            continue
        hint = next((w for w in reversed(near) if carrier_for_name(w)), None)
        if identify(digits, hint=hint).carriers:
            found.append((m.start(), digits))
    seen: set[str] = set()
    return [n for _, n in sorted(found) if not (n in seen or seen.add(n))]
