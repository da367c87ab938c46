"""우체국택배 (docs/facts/carriers.md §3, S3): ``service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm``
answers an HTML page; the ``#processTable`` rows are date ("yyyy.MM.dd"), time ("HH:mm"), post
office, and status (접수 / 발송 / 도착 / 배달준비 / 배달완료 / 미배달 …, sometimes with a note
such as the recipient in brackets, which is never kept). No rows (or "배달정보를 찾지 못했습니다")
means not found. Rows are found by shape, as for Hanjin.

Korea Post parcel numbers are 13 digits; AliExpress's Korea-Post last mile starts with 6 (S11).
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

URL = "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm"
_DATE = re.compile(r"^\d{4}[.-]\d{2}[.-]\d{2}$")
_NOT_FOUND = re.compile(r"배달\s*정보를\s*찾지\s*못|조회\s*(?:된\s*)?결과가\s*없|등록되지\s*않은|존재하지\s*않")


class KoreaPost(Courier):
    id = "kr.epost"
    source = "우체국택배"
    name = {"ko": "우체국택배 배송 조회", "en": "Korea Post parcel tracking"}
    label = {"ko": "우체국택배", "en": "Korea Post"}
    sends = {
        "ko": "국내 등기번호만 우정사업본부 service.epost.go.kr로 보내요.",
        "en": "Sends only the Korean registered number to Korea Post at service.epost.go.kr.",
    }
    host = "service.epost.go.kr"

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        results = {}
        for number in numbers:
            reply = http.request(session, "GET", URL, params={"sid1": number}, headers={"Accept": "text/html"}, timeout=timeout)
            results[number] = self.parse(reply, number)
        return results

    def parse(self, reply: http.Reply, number: str) -> LiveResult:
        page = soup(reply)
        table = page.select_one("#processTable")
        events = []
        for cells in rows(table or page, _DATE):
            when = seoul(cells[0].replace("-", "."), cells[1], ("%Y.%m.%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d"))
            status = cells[3]
            events.append(self.event(when, _status_word(status), status, _office(cells[2])))
        if events:
            return self.result(number, events)
        if table is not None or _NOT_FOUND.search(page.get_text(" ")[:20000]):
            return self.result(number, [], not_found=True)
        raise BadResponse("no tracking table on the page")


def _office(cell: str) -> str:
    """"제주우편집중국 TEL : 064.710.5200" → "제주우편집중국": the office, without its phone line."""
    return re.split(r"\s*\b(?:TEL|FAX)\b", cell, maxsplit=1, flags=re.I)[0].strip()


def _status_word(cell: str) -> str:
    """"배달완료 (수령인: …)" → "배달완료": the status without its note."""
    return re.split(r"\s*[(\[]", cell, maxsplit=1)[0].strip() or cell


PROVIDER = KoreaPost()
