"""롯데택배 (carriers.md §3, S3): ``ftr.alps.llogis.com:18260/openapi/ftr/getCustomerInvTracking``
answers JSON ``{errorCd, errorNm, tracking: [...]}``; each event has ``GODS_STAT_CD`` (the status
code), ``GODS_STAT_NM`` (its name), ``SCAN_YMD`` "yyyyMMdd", ``SCAN_TME`` "HHmmss" ("------" when
unknown), ``BRNSHP_NM`` (branch) and ``STATUS`` (a sentence). ``errorCd`` "0" with no events
means not found. Staff names and phones (``EMP_NM``, ``EMP_TEL``) are never kept.

Lotte numbers are 12 digits whose first 11, mod 7, give the 12th (S3): the number registry's
``kr.lotte`` format checks that before a number is sent.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from companion import dates
from companion.lookups import http
from companion.lookups._courier import Courier
from companion.lookups._courier import json_body
from companion.lookups._courier import seoul
from companion.lookups.base import BadResponse
from companion.lookups.base import Context
from companion.lookups.base import LiveResult
from companion.lookups.base import Timeout
from companion.lookups.base import clean
from companion.jsonwalk import as_list

URL = "https://ftr.alps.llogis.com:18260/openapi/ftr/getCustomerInvTracking"


class Lotte(Courier):
    id = "kr.lotte"
    source = "롯데택배"
    name = {"ko": "롯데택배 배송 조회", "en": "Lotte Global Logistics tracking"}
    label = {"ko": "롯데택배", "en": "Lotte"}
    sends = {
        "ko": "국내 운송장 번호만 롯데글로벌로지스 ftr.alps.llogis.com으로 보내요.",
        "en": "Sends only the Korean waybill number to Lotte Global Logistics at ftr.alps.llogis.com.",
    }
    host = "ftr.alps.llogis.com"

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        now = context.now if context else dates.now_kst()
        results = {}
        for number in numbers:
            reply = http.request(session, "GET", URL, params={"invNo": number}, headers={"Accept": "application/json"}, timeout=timeout)
            results[number] = self.parse(json_body(reply), number, now)
        return results

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
    """``SCAN_YMD`` + ``SCAN_TME``; an unknown time ("------") is the end of that day, but
    never later than now (the event has happened)."""
    if clock.isdigit() and len(clock) in (4, 6):
        return seoul(day, clock.ljust(6, "0"), ("%Y%m%d %H%M%S",))
    start = seoul(day, "", ("%Y%m%d",))
    if start is None:
        return None
    return min(start + timedelta(hours=23, minutes=59, seconds=59), now)


PROVIDER = Lotte()
