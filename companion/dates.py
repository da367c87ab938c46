"""Dates as AliExpress prints them, in Korean and English, read into Asia/Seoul time.

A wall-clock text is read in the zone of the "now" it is read against: AliExpress prints times
in the buyer's time zone (a capture from Brazil says Brazilian time), so the capture's time is
given in the zone the extension reported (:func:`buyer_zone`). What comes out is an instant,
shown in Seoul time, and every "N days" is counted in Seoul calendar days. Korea has no daylight
saving time, so a fixed +09:00 offset is exact for Seoul itself.
Texts without a year ("Tue | Sep. 29 09:00", "9월 27일 14:02") take the year that puts them
at or just before the capture time; a weekday, when printed, picks between candidate years.
"""

from __future__ import annotations

import re
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from zoneinfo import ZoneInfo

KST = timezone(timedelta(hours=9), "KST")
# An IANA zone name as browsers report it ("America/Sao_Paulo", "Asia/Seoul", "UTC"): letters,
# digits, "_", "+", "-" in up to three parts. Checked before the tz database is asked for it.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,40}(?:/[A-Za-z0-9_+\-]{1,40}){0,2}")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6,
}
_MONTH_WORD = r"\b(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = r"(?:[ T,|]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
_WEEKDAY = r"(?:\b(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*[|,]?\s*)?"

# Each pattern names the parts it has; the first that matches wins.
_PATTERNS = [
    # 2026-09-27 14:02:00 / 2026.09.27 / 2026/09/27
    re.compile(r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?" + _TIME),
    # 2026년 9월 27일 (월) 14:02
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일(?:\s*\(?(?P<wdko>[월화수목금토일])\)?)?" + _TIME),
    # Sep 27, 2026 14:02 / Tue, Sep. 27, 2026
    re.compile(_WEEKDAY + _MONTH_WORD + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{4})" + _TIME, re.I),
    # 27 Sep 2026
    re.compile(r"(?P<d>\d{1,2})\s+" + _MONTH_WORD + r",?\s+(?P<y>\d{4})" + _TIME, re.I),
    # Tue | Sep. 29 09:00  (no year)
    re.compile(_WEEKDAY + _MONTH_WORD + r"\s*(?P<d>\d{1,2})(?!\d)" + _TIME, re.I),
    # 9월 27일 (월) 14:02  (no year)
    re.compile(r"(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일(?:\s*\(?(?P<wdko>[월화수목금토일])\)?)?" + _TIME),
    # 09-27 14:02 (no year; the tracking page's short form)
    re.compile(r"(?<![\d-])(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"),
]


def now_kst() -> datetime:
    """The companion's clock in Seoul time."""
    return datetime.now(KST)


def from_epoch_ms(value) -> datetime | None:
    """Epoch milliseconds (as AliExpress and Cainiao send them) to Seoul time; None if absurd."""
    try:
        ms = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e400 is valid JSON
        return None
    # Before 2000 or after 2100 is not a parcel event: treat it as missing, not as a date.
    if not 946684800000 <= ms <= 4102444800000:
        return None
    return datetime.fromtimestamp(ms / 1000, KST)


def parse_iso(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp; a naive one is taken as Seoul time."""
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=KST)


def buyer_zone(name: str | None = None, offset_minutes: int | None = None) -> tzinfo | None:
    """The zone the buyer's browser reported: its IANA name, else its UTC offset, else None.

    A name the tz database does not know (or that is not a zone name at all) falls back on the
    offset; an offset beyond ±14 hours is no zone.
    """
    if isinstance(name, str) and _ZONE_NAME.fullmatch(name):
        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            pass
    if isinstance(offset_minutes, int) and not isinstance(offset_minutes, bool) and abs(offset_minutes) <= 14 * 60:
        return timezone(timedelta(minutes=offset_minutes))
    return None


def _wall_clock_zone(now: datetime, zone: tzinfo | None) -> tzinfo:
    return zone or now.tzinfo or KST


def parse_datetime(text: str | None, now: datetime, zone: tzinfo | None = None) -> datetime | None:
    """The first date (and time, if printed) in ``text`` as an instant in Seoul time, or None.

    The text is wall-clock time in ``zone``, by default the zone ``now`` is given in.
    """
    value = _wall_clock(text, now, zone)
    return value.astimezone(KST) if value else None


def parse_date(text: str | None, now: datetime, zone: tzinfo | None = None) -> date | None:
    """The calendar day ``text`` prints (a date on a page is the day the page shows)."""
    value = _wall_clock(text, now, zone)
    return value.date() if value else None


def _wall_clock(text: str | None, now: datetime, zone: tzinfo | None) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    zone = _wall_clock_zone(now, zone)
    local_now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    text = text.strip()[:200]
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            value = _build(match.groupdict(), local_now, zone)
            if value is not None:
                return value
    return None


def _build(parts: dict, now: datetime, zone: tzinfo) -> datetime | None:
    month = _MONTHS.get((parts.get("mon") or "").lower().rstrip(".")) or _int(parts.get("m"))
    day = _int(parts.get("d"))
    if not month or not day:
        return None
    hour, minute, second = _int(parts.get("h")) or 0, _int(parts.get("mi")) or 0, _int(parts.get("s")) or 0
    weekday = _WEEKDAYS.get((parts.get("wd") or parts.get("wdko") or "").lower()[:3] or "-")
    year = _int(parts.get("y"))
    years = [year] if year else _candidate_years(month, day, weekday, now)
    for candidate in years:
        try:
            return datetime(candidate, month, day, hour, minute, second, tzinfo=zone)
        except ValueError:
            continue
    return None


def _candidate_years(month: int, day: int, weekday: int | None, now: datetime) -> list[int]:
    """Years for a date printed without one: not after the capture, the weekday agreeing."""
    years = [now.year, now.year - 1, now.year + 1]
    fitting = []
    for year in years:
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if weekday is not None and candidate.weekday() != weekday:
            continue
        fitting.append((candidate, year))
    if not fitting:
        return [now.year, now.year - 1]  # weekday disagrees everywhere: fall back on the year
    # Prefer the latest candidate that is not more than two days after the capture.
    limit = now.date() + timedelta(days=2)
    past = [year for candidate, year in sorted(fitting, reverse=True) if candidate <= limit]
    return past or [year for _, year in sorted(fitting)]


def _int(value) -> int | None:
    if value is None:  # a part the pattern did not match: most of them, and raising costs
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
