"""롯데택배 (docs/facts/carriers.md §3, S3): ``ftr.alps.llogis.com:18260/openapi/ftr/getCustomerInvTracking``
answers JSON ``{errorCd, errorNm, tracking: [...]}``; each event has ``GODS_STAT_CD`` (the status
code), ``GODS_STAT_NM`` (its name), ``SCAN_YMD`` "yyyyMMdd", ``SCAN_TME`` "HHmmss" ("------" when
unknown), ``BRNSHP_NM`` (branch) and ``STATUS`` (a sentence). ``errorCd`` "0" with no events
means not found. Staff names and phones (``EMP_NM``, ``EMP_TEL``) are never kept.

Lotte numbers are 12 digits whose first 11, mod 7, give the 12th (S3): the number registry's
``kr.lotte`` format checks that before a number is sent.

When the JSON endpoint gives no usable answer, the public page
``www.lotteglogis.com/home/reservation/tracking/linkView?InvNo=…`` is read instead (its real
markup: a ``tblH`` table of 단계 / 시간 "2024-04-06&nbsp;14:44" / 현재위치 / 처리현황, newest
first). Its "--:--" is a time the page does not know, not midnight.
"""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta

from companion import dates
from companion.lookups import http
from companion.lookups._courier import Courier
from companion.lookups._courier import json_body
from companion.lookups._courier import rows
from companion.lookups._courier import seoul
from companion.lookups._courier import soup
from companion.lookups.base import BadResponse
from companion.lookups.base import ProviderError
from companion.lookups.base import Context
from companion.lookups.base import LiveResult
from companion.lookups.base import Timeout
from companion.lookups.base import clean
from companion.jsonwalk import as_list

URL = "https://ftr.alps.llogis.com:18260/openapi/ftr/getCustomerInvTracking"
PAGE_URL = "https://www.lotteglogis.com/home/reservation/tracking/linkView"
_PAGE_TIME = re.compile(r"^(\d{4}[-.]\d{2}[-.]\d{2})\s*(\d{1,2}:\d{2}|--:--)?")
_NOT_FOUND = re.compile(r"조회\s*(?:된\s*)?결과가\s*없|등록되지\s*않|존재하지\s*않|잘못된\s*운송장")


class Lotte(Courier):
    id = "kr.lotte"
    source = "롯데택배"
    name = {"ko": "롯데택배 배송 조회", "en": "Lotte Global Logistics tracking"}
    label = {"ko": "롯데택배", "en": "Lotte"}
    sends = {
        "ko": "국내 운송장 번호만 롯데글로벌로지스 ftr.alps.llogis.com(안 되면 www.lotteglogis.com)으로 보내요.",
        "en": "Sends only the Korean waybill number to Lotte Global Logistics at ftr.alps.llogis.com (or www.lotteglogis.com when that fails).",
    }
    host = "ftr.alps.llogis.com"

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        now = context.now if context else dates.now_kst()
        results = {}
        for number in numbers:
            try:
                reply = http.request(session, "GET", URL, params={"invNo": number}, headers={"Accept": "application/json"}, timeout=timeout)
                results[number] = self.parse(json_body(reply), number, now)
            except ProviderError as first:
                # The public page as the fallback; when it fails too, the JSON's error is the one told.
                try:
                    page = http.request(session, "GET", PAGE_URL, params={"InvNo": number}, headers={"Accept": "text/html"}, timeout=timeout)
                    results[number] = self.parse_page(page, number, now)
                except ProviderError:
                    raise first from None
        return results

    def parse_page(self, reply: http.Reply, number: str, now: datetime) -> LiveResult:
        """The ``linkView`` HTML page: rows whose second cell holds the date and time."""
        page = soup(reply)
        events = []
        newer = None  # the page lists newest first: an unknown time is not after the row above
        for cells in rows(page, _PAGE_TIME, key_cell=1):
            day, clock = _PAGE_TIME.match(cells[1]).groups()
            if clock and clock != "--:--":
                when = seoul(day.replace(".", "-"), clock, ("%Y-%m-%d %H:%M",))
            else:
                when = _unknown_time(day.replace(".", "").replace("-", ""), min(filter(None, (newer, now))))
            newer = when or newer
            events.append(self.event(when, cells[0], cells[3], cells[2]))
        if events:
            return self.result(number, events)
        if _NOT_FOUND.search(page.get_text(" ")[:20000]):
            return self.result(number, [], not_found=True)
        raise BadResponse("no tracking table on the page")

    def parse(self, body, number: str, now: datetime) -> LiveResult:
        if not isinstance(body, dict) or not ("tracking" in body or "errorCd" in body):
            raise BadResponse("unexpected JSON")
        items = [t for t in as_list(body.get("tracking")) if isinstance(t, dict)]
        code = clean(body.get("errorCd"))
        if not items:
            if code in ("", "0") or "없" in clean(body.get("errorNm")):
                return self.result(number, [], not_found=True)
            raise BadResponse("the answer says it failed")
        events = []
        for item in items:
            when = _time(clean(item.get("SCAN_YMD")), clean(item.get("SCAN_TME")), now)
            name = clean(item.get("GODS_STAT_NM"))
            sentence = clean(item.get("STATUS"))
            if not (name or sentence):
                continue
            events.append(self.event(when, name or sentence, sentence, clean(item.get("BRNSHP_NM")), clean(item.get("GODS_STAT_CD")) or None))
        return self.result(number, events)


def _time(day: str, clock: str, now: datetime) -> datetime | None:
    """``SCAN_YMD`` + ``SCAN_TME``; an unknown time ("------") as :func:`_unknown_time`."""
    if clock.isdigit() and len(clock) in (4, 6):
        return seoul(day, clock.ljust(6, "0"), ("%Y%m%d %H%M%S",))
    return _unknown_time(day, now)


def _unknown_time(day: str, not_after: datetime) -> datetime | None:
    """An event of a known day ("yyyyMMdd") at a time nobody printed: not midnight (which
    would claim it happened first thing), but the latest moment it can have happened: the end
    of that day, never after ``not_after`` (now, or the next event the page lists)."""
    start = seoul(day, "", ("%Y%m%d",))
    if start is None:
        return None
    return max(start, min(start + timedelta(hours=23, minutes=59, seconds=59), not_after))


PROVIDER = Lotte()
