"""한진택배 (docs/facts/carriers.md §3, S3): a form POST to ``WaybillResult.do`` answers an HTML page whose
second table lists the events, one row each: date ("yyyy-MM-dd"), time ("HH:mm"), place, and a
Korean sentence ("고객님의 상품이 통관목록이 접수되었습니다." …). Hanjin also clears customs
for parcels it carries, so its sentences include customs steps (관부가세 납부 대기 = a hold).

"운송장이 등록되지 않았습니다" (an ``alert`` or the ``.comm-sec`` box) means not found. Hanjin
answers some clients with 403 (S3): that is :class:`Blocked`. The rows are found by their shape
(a date in the first of four or more cells), not by class names that change with each redesign.
"""

from __future__ import annotations

import re

from companion.lookups import http
from companion.lookups._courier import Courier
from companion.lookups._courier import rows
from companion.lookups._courier import seoul
from companion.lookups._courier import soup
from companion.lookups.base import BadResponse
from companion.lookups.base import Context
from companion.lookups.base import LiveResult
from companion.lookups.base import Timeout
from companion.lookups.base import clean

URL = "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do"
_DATE = re.compile(r"^\d{4}[-.]\d{2}[-.]\d{2}$")
_NOT_FOUND = re.compile(r"운송장이\s*등록되지\s*않|조회\s*결과가\s*없|잘못된\s*운송장")


class Hanjin(Courier):
    id = "kr.hanjin"
    source = "한진택배"
    name = {"ko": "한진택배 배송 조회", "en": "Hanjin tracking"}
    label = {"ko": "한진택배", "en": "Hanjin"}
    sends = {
        "ko": "국내 운송장 번호만 한진택배 www.hanjin.com으로 보내요.",
        "en": "Sends only the Korean waybill number to Hanjin at www.hanjin.com.",
    }
    host = "www.hanjin.com"

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        results = {}
        for number in numbers:
            reply = http.request(
                session,
                "POST",
                URL,
                data={"wblnum": number, "mCode": "MN038", "schLang": "KR"},
                headers={"Accept": "text/html", "Referer": "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillSch.do?mCode=MN038"},
                timeout=timeout,
            )
            results[number] = self.parse(reply, number)
        return results

    def parse(self, reply: http.Reply, number: str) -> LiveResult:
        page = soup(reply)
        events = []
        for cells in rows(page, _DATE):
            when = seoul(cells[0].replace(".", "-"), cells[1], ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"))
            events.append(self.event(when, cells[3], cells[3], cells[2]))
        if events:
            return self.result(number, events)
        notice = clean(page.select_one(".comm-sec").get_text(" ")) if page.select_one(".comm-sec") else ""
        if _NOT_FOUND.search(notice) or _NOT_FOUND.search(reply.text()[:20000]):
            return self.result(number, [], not_found=True)
        raise BadResponse("no tracking table on the page")


PROVIDER = Hanjin()
