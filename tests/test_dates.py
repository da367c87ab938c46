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


# --- the buyer's time zone (issue 9, point 4) ----------------------------------------------

BRAZIL = dates.buyer_zone("America/Sao_Paulo")
ORDER = "8215000000000777"


def test_a_wall_clock_text_is_read_in_the_zone_of_now_and_comes_out_in_seoul_time():
    now = dates.parse_iso("2026-07-29T08:00:00-03:00").astimezone(BRAZIL)
    when = dates.parse_datetime("Tue | Jul. 28 22:30", now)
    assert when.isoformat() == "2026-07-29T10:30:00+09:00"  # 22:30 in São Paulo is 10:30 next day in Seoul
    assert dates.parse_date("Tue | Jul. 28 22:30", now).isoformat() == "2026-07-28"  # the day the page prints
    seoul_now = now.astimezone(dates.KST)
    assert dates.parse_datetime("Tue | Jul. 28 22:30", seoul_now).isoformat() == "2026-07-28T22:30:00+09:00"


@pytest.mark.parametrize("name, offset, expected", [
    ("America/Sao_Paulo", None, "America/Sao_Paulo"),
    ("Asia/Seoul", 540, "Asia/Seoul"),
    ("Mars/Olympus_Mons", -180, "UTC-03:00"),  # unknown here: the offset is read instead
    ("../../etc/passwd", None, None),
    ("/etc/localtime", 540, "UTC+09:00"),
    (None, 15 * 60, None),  # no zone is 15 hours off UTC
    (None, True, None),
    (None, None, None),
])
def test_the_buyer_zone_is_a_known_name_else_the_offset(name, offset, expected):
    zone = dates.buyer_zone(name, offset)
    assert (str(zone) if zone else None) == expected


def _brazilian_capture(**zone) -> dict:
    """A tracking payload as a Brazilian account sees it (the real querydetail's timeText shape)."""
    line = {"mailNo": "SWX900000000000000777", "logisticsCarrierName": "AliExpress Standard Shipping", "detailList": [
        {"time": 1785288600000, "timeText": "Tue | Jul. 28 22:30", "trackingName": "Import customs clearance started",
         "trackingDetailDesc": "Import customs clearance started", "trackingPrimaryCode": "AE_CC_IM_START",
         "trackingSecondCode": "AE_CC_IM_START"}]}
    return {"url": f"https://www.aliexpress.com/p/tracking/index.html?tradeOrderId={ORDER}",
            "payloads": [{"api": "mtop.ae.ld.querydetail", "data": {"module": {"trackingDetailLineList": [line]}}}],
            "captured_at": "2026-07-29T08:00:00-03:00", "lang": "ko", **zone}


@pytest.mark.parametrize("zone", [{"time_zone": "America/Sao_Paulo", "utc_offset_minutes": -180},
                                  {"utc_offset_minutes": -180},
                                  {"time_zone": "Nowhere/Unknown", "utc_offset_minutes": -180}])
def test_a_capture_from_brazil_is_read_in_brazilian_time_and_counted_in_seoul_days(client, auth, zone):
    answer = client.post("/v1/diagnose", json=_brazilian_capture(**zone), headers=auth).get_json()
    order = answer["orders"][0]
    assert order["parcels"][0]["last_event"]["time"] == "2026-07-29T10:30:00+09:00"
    # Customs began 07-29 10:30 in Seoul and it is 07-29 20:00 there: day 1, not day 2.
    assert order["diagnosis"]["cause"] == "customs_in_progress"
    assert "통관 1일째" in order["diagnosis"]["explanation"], order["diagnosis"]["explanation"]


def test_without_a_zone_the_page_is_read_in_seoul_time(client, auth):
    order = client.post("/v1/diagnose", json=_brazilian_capture(), headers=auth).get_json()["orders"][0]
    assert order["parcels"][0]["last_event"]["time"] == "2026-07-28T22:30:00+09:00"
    assert "통관 2일째" in order["diagnosis"]["explanation"]


@pytest.mark.parametrize("body, code", [({"time_zone": 5}, "invalid_field"), ({"time_zone": "A" * 65}, "invalid_field"),
                                        ({"utc_offset_minutes": 900}, "invalid_field"), ({"utc_offset_minutes": "-180"}, "invalid_field"), ({"utc_offset_minutes": 1.5}, "invalid_field")])
def test_a_bad_zone_field_is_a_json_400(client, auth, body, code):
    reply = client.post("/v1/diagnose", json={**_brazilian_capture(), **body}, headers=auth)
    assert reply.status_code == 400 and reply.get_json()["error"]["code"] == code
