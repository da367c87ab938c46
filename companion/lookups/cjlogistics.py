"""CJ대한통운, two ways, the newer first.

1. ``trace.cjlogistics.com/next/rest/selectTrackingDetailList.do`` (POST ``wblNo``, no token):
   ``{"resultCode": 200, "data": {"svcOutList": [{crgStDnm status, crgStDcd code, crgStDcdVal
   sentence, branNm branch, workDt "yyyy-MM-dd", workHms "HH:mm:ss"}]}}``. Third-party code
   dated 2026-08 says the public lookup moved here; nobody has a recorded answer, so this shape
   is UNVERIFIED (vocabulary.json says so too) and the older way stays as the fallback.
2. docs/facts/carriers.md §3, S3: the public tracking page gives a ``_csrf`` token and a session cookie;
   ``tracking-detail`` then answers JSON with ``parcelResultMap`` (the parcel) and
   ``parcelDetailResultMap.resultList`` (its events: ``crgSt`` code, ``scanNm`` status, ``crgNm``
   sentence, ``dTime`` "yyyy-MM-dd HH:mm:ss.S", ``regBranNm`` branch). A real answer of this
   shape is in tests/lookups/fixtures/real.

Both map through the one ``kr.cjlogistics`` vocabulary.

Sender and recipient names (``sendrNm``, ``rcvrNm``) and the driver's name and phone in
``crgNm`` are never kept.
"""

from __future__ import annotations

import re

from companion.lookups import http
from companion.lookups._courier import Courier
from companion.lookups._courier import json_body
from companion.lookups._courier import seoul
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import ServerError
from companion.lookups.base import Context
from companion.lookups.base import LiveResult
from companion.lookups.base import Timeout
from companion.lookups.base import clean
from companion.jsonwalk import as_list
from companion.jsonwalk import dig

NEXT_URL = "https://trace.cjlogistics.com/next/rest/selectTrackingDetailList.do"
PAGE_URL = "https://www.cjlogistics.com/ko/tool/parcel/tracking"
DETAIL_URL = "https://www.cjlogistics.com/ko/tool/parcel/tracking-detail"
_CSRF = [
    re.compile(r"""<input[^>]*name=["']_csrf["'][^>]*value=["']([^"']+)["']""", re.I),
    re.compile(r"""<input[^>]*value=["']([^"']+)["'][^>]*name=["']_csrf["']""", re.I),
    re.compile(r"""<meta[^>]*name=["']_csrf["'][^>]*content=["']([^"']+)["']""", re.I),
]


class CJLogistics(Courier):
    id = "kr.cjlogistics"
    source = "CJ대한통운"
    name = {"ko": "CJ대한통운 배송 조회", "en": "CJ Logistics tracking"}
    label = {"ko": "CJ대한통운", "en": "CJ Logistics"}
    sends = {
        "ko": "국내 운송장 번호만 CJ대한통운 trace.cjlogistics.com(안 되면 www.cjlogistics.com)으로 보내요.",
        "en": "Sends only the Korean waybill number to CJ Logistics at trace.cjlogistics.com (or www.cjlogistics.com when that fails).",
    }
    host = "trace.cjlogistics.com"

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        results = {}
        for number in numbers:
            try:
                results[number] = self._next(number, session, timeout)
            except (BadResponse, ServerError, Blocked):  # moved again, or not there: the older way
                results[number] = self._detail(number, session, timeout)
        return results

    def _next(self, number: str, session, timeout: Timeout) -> LiveResult:
        reply = http.request(
            session,
            "POST",
            NEXT_URL,
            data={"wblNo": number},
            headers={"Accept": "application/json, text/javascript, */*", "X-Requested-With": "XMLHttpRequest",
                     "Origin": "https://trace.cjlogistics.com", "Referer": "https://trace.cjlogistics.com/next/tracking.html"},
            timeout=timeout,
        )
        return self.parse_next(json_body(reply), number)

    def parse_next(self, body, number: str) -> LiveResult:
        """``selectTrackingDetailList.do``'s answer (shape unverified, see the module doc)."""
        if not isinstance(body, dict) or "resultCode" not in body:
            raise BadResponse("unexpected JSON")
        items = dig(body, "data", "svcOutList")
        if clean(body.get("resultCode")) not in ("200", "0", "00", "SUCCESS") or not isinstance(items, list):
            raise BadResponse("the answer says it failed")
        events = []
        for item in (i for i in items if isinstance(i, dict)):
            when = seoul(clean(item.get("workDt")), clean(item.get("workHms")).split(".")[0],
                         ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d %H%M%S", "%Y-%m-%d"))
            status = clean(item.get("crgStDnm"))
            sentence = clean(item.get("crgStDcdVal"))
            if not (status or sentence):
                continue
            events.append(self.event(when, status or sentence, sentence, clean(item.get("branNm")), clean(item.get("crgStDcd")) or None))
        return self.result(number, events, not_found=not events)

    def _detail(self, number: str, session, timeout: Timeout) -> LiveResult:
        page = http.request(session, "GET", PAGE_URL, headers={"Accept": "text/html"}, timeout=timeout)
        token = csrf(page.text())
        # The token belongs to the session cookie that came with it. The session is shared
        # and calls run side by side, so this call's cookie is sent explicitly (it wins
        # over whatever another call has since put in the jar).
        reply = http.request(
            session,
            "POST",
            DETAIL_URL,
            data={"paramInvcNo": number, "_csrf": token},
            cookies=page.cookies or None,
            headers={"Accept": "application/json, text/javascript, */*", "X-Requested-With": "XMLHttpRequest", "Referer": PAGE_URL},
            timeout=timeout,
        )
        return self.parse(json_body(reply), number)

    def parse(self, body, number: str) -> LiveResult:
        if not isinstance(body, dict) or ("parcelResultMap" not in body and "parcelDetailResultMap" not in body):
            raise BadResponse("unexpected JSON")
        parcels = as_list(dig(body, "parcelResultMap", "resultList"))
        details = [d for d in as_list(dig(body, "parcelDetailResultMap", "resultList")) if isinstance(d, dict)]
        events = []
        for detail in details:
            when = seoul(clean(detail.get("dTime")).split(".")[0], "", ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d%H%M%S"))
            status = clean(detail.get("scanNm"))
            sentence = clean(detail.get("crgNm"))
            if not (status or sentence):
                continue
            events.append(self.event(when, status or sentence, sentence, clean(detail.get("regBranNm")), clean(detail.get("crgSt")) or None))
        return self.result(number, events, not_found=not parcels and not events)


def csrf(page: str) -> str:
    for pattern in _CSRF:
        match = pattern.search(page)
        if match:
            return match.group(1)
    raise BadResponse("no CSRF token on the tracking page")


PROVIDER = CJLogistics()
