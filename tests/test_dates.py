"""Dates as AliExpress prints them, read into Seoul time."""

from __future__ import annotations

import pytest

from companion import dates

NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026년 9월 1일", "2026-09-01T00:00:00+09:00"),
        ("주문일자:: 2026년 7월 15일", "2026-07-15T00:00:00+09:00"),
        ("Sep 1, 2026", "2026-09-01T00:00:00+09:00"),
        ("Order date: Apr 27, 2026", "2026-04-27T00:00:00+09:00"),
        ("2026-09-27 14:02:00", "2026-09-27T14:02:00+09:00"),
        ("Tue | Sep. 29 09:00", "2026-09-29T09:00:00+09:00"),
        ("9월 27일 14:02", "2026-09-27T14:02:00+09:00"),
        ("Refund if no delivery before Sep 10, 2026", "2026-09-10T00:00:00+09:00"),
    ],
)
def test_printed_dates(text, expected):
    assert dates.parse_datetime(text, NOW).isoformat() == expected


def test_a_date_without_a_year_is_not_in_the_future():
    january = dates.parse_iso("2027-01-03T10:00:00+09:00")
    assert dates.parse_datetime("Tue | Dec. 29 09:00", january).year == 2026


def test_the_weekday_picks_the_year():
    # 2025-07-28 is a Monday, 2026-07-28 a Tuesday: "Tue" settles it even when read in 2027.
    later = dates.parse_iso("2027-08-10T10:00:00+09:00")
    assert dates.parse_datetime("Tue | Jul. 28 18:39", later).year == 2026


def test_epoch_milliseconds_are_seoul_time():
    assert dates.from_epoch_ms(1790000000000).utcoffset().total_seconds() == 9 * 3600
    assert dates.from_epoch_ms("junk") is None
    assert dates.from_epoch_ms(12) is None  # 1970: not a parcel event


@pytest.mark.parametrize("junk", ["", "no date here", "Order ID: 8215000000000101", "2026-13-45", None, "99월 99일"])
def test_junk_is_no_date(junk):
    assert dates.parse_datetime(junk, NOW) is None
