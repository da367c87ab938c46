"""Korea Customs UNI-PASS Open API, API001 화물통관진행정보 (docs/facts/carriers.md §5, S4/S5).

Asked with the user's own key (``crkyCn``) by H B/L number and year: the Cainiao LP number and
the Korean courier's number both serve as H B/L for parcels from AliExpress (S12). ``blYy`` is
the year of "now"; in January a number not found is asked again with the previous year (a
parcel that arrived at the end of December). An ``[N00]`` answer ("several results") lists one
summary per cargo: the one with our exact H B/L and the latest arrival is asked again by its
화물관리번호 (``cargMtNo``) for its events.

The XML is read by ``defusedxml``, which refuses any DOCTYPE (and so any entity, internal or
external) as the parser meets it, in whatever encoding the document is written: a check of the
raw bytes would miss one in UTF-16. The answers never carry a DOCTYPE.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

import defusedxml
import defusedxml.ElementTree as SafeET

from companion import dates
from companion import numbers as registry
from companion.lookups import http
from companion.lookups import vocabulary
from companion.lookups.base import PAST_CUSTOMS
from companion.lookups.base import BadResponse
from companion.lookups.base import Context
from companion.lookups.base import KeyRejected
from companion.lookups.base import LiveResult
from companion.lookups.base import MissingKey
from companion.lookups.base import Provider
from companion.lookups.base import RateLimited
from companion.lookups.base import Timeout
from companion.lookups.base import clean
from companion.lookups.base import newest_milestone
from companion.models import Event
from companion.models import Parcel

URL = "https://unipass.customs.go.kr:38010/ext/rest/cargCsclPrgsInfoQry/retrieveCargCsclPrgsInfo"
ROOT = "cargCsclPrgsInfoQryRtnVo"
_HBL = re.compile(r"^[A-Z0-9]{6,35}$")
_SEVERAL = "[N00]"
_KEY_WORDS = ("인증키", "crkyCn")
_LIMIT_WORDS = re.compile(r"호출\s*(?:건수|횟수|한도)|초과|제한|limit", re.I)


@dataclass
class Answer:
    """One API001 answer, read."""

    count: int | None
    notice: str
    summaries: list[dict] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)

    @property
    def several(self) -> bool:
        return self.notice.startswith(_SEVERAL)

    @property
    def found(self) -> bool:
        return bool(self.summaries or self.details) and (self.count is None or self.count > 0 or self.several)


class Unipass(Provider):
    id = "unipass"
    source = "UNI-PASS"
    name = {"ko": "관세청 UNI-PASS 통관 조회", "en": "Korea Customs UNI-PASS"}
    label = {"ko": "UNI-PASS", "en": "UNI-PASS"}
    sends = {
        "ko": "운송장 번호(H B/L)와 연도, 내 인증키(crkyCn)를 관세청 unipass.customs.go.kr로 보내요.",
        "en": "Sends the tracking number (as H B/L), the year and your own key (crkyCn) to Korea Customs at unipass.customs.go.kr.",
    }
    host = "unipass.customs.go.kr"
    needs_key = True

    def numbers(self, parcel: Parcel) -> list[str]:
        if newest_milestone(parcel) in PAST_CUSTOMS:
            return []
        found = []
        for number in (parcel.tracking_number, parcel.domestic_number):
            if not number:
                continue
            number = registry.normalize(number)
            if _HBL.match(number) and number not in found:
                found.append(number)
        return found

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        if context is None or not context.key:
            raise MissingKey("no UNI-PASS key")
        return {number: self._one(registry.normalize(number), session, timeout, context) for number in numbers}

    def _one(self, number: str, session, timeout: Timeout, context: Context) -> LiveResult:
        years = [context.now.year]
        if context.now.month == 1:
            years.append(context.now.year - 1)  # arrived in December, asked in January
        for year in years:
            answer = _ask(session, timeout, context.key, {"hblNo": number, "blYy": str(year)})
            if answer.several:
                chosen = _choose(answer.summaries, number)
                if chosen:
                    answer = _ask(session, timeout, context.key, {"cargMtNo": chosen})
            if answer.found:
                return result_from(answer, number)
        return LiveResult(provider=self.id, number=number, not_found=True)


def _ask(session, timeout: Timeout, key: str, params: dict) -> Answer:
    reply = http.request(session, "GET", URL, params={"crkyCn": key, **params}, headers={"Accept": "application/xml, text/xml"}, timeout=timeout)
    return parse(reply.content)


def parse(content: bytes) -> Answer:
    """API001's XML → :class:`Answer`; raises for an error answer or anything unreadable."""
    head = content[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        raise BadResponse("an HTML page instead of XML")
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise BadResponse("XML with a DOCTYPE or entity declaration") from None
    except (ET.ParseError, ValueError, LookupError):  # malformed, or an encoding expat cannot read
        raise BadResponse("malformed XML") from None
    if root.tag != ROOT:
        raise BadResponse("unexpected XML")
    notice = clean(root.findtext("ntceInfo"))
    count_text = clean(root.findtext("tCnt"))
    try:
        count = int(count_text) if count_text else None
    except ValueError:
        count = None
    answer = Answer(
        count=count,
        notice=notice,
        summaries=[_fields(e) for e in root.findall("cargCsclPrgsInfoQryVo")],
        details=[_fields(e) for e in root.findall("cargCsclPrgsInfoDtlQryVo")],
    )
    if count == -1 or (notice and not answer.several and not answer.summaries and not answer.details and count != 0):
        if any(word in notice for word in _KEY_WORDS):
            raise KeyRejected("the key was refused")
        if _LIMIT_WORDS.search(notice):
            raise RateLimited(None)
        raise BadResponse("UNI-PASS refused the query")
    return answer


def _fields(element: ET.Element) -> dict:
    return {child.tag: clean(child.text) for child in element}


def _choose(summaries: list[dict], number: str) -> str | None:
    """The cargo of an ``[N00]`` answer to ask again: our exact H B/L, latest arrival first."""
    exact = [s for s in summaries if registry.normalize(s.get("hblNo", "")) == number]
    pool = exact or summaries
    pool = [s for s in pool if len(s.get("cargMtNo", "")) >= 15]
    if not pool:
        return None
    pool.sort(key=lambda s: (s.get("etprDt", ""), s.get("prcsDttm", "")), reverse=True)
    return pool[0]["cargMtNo"]


def result_from(answer: Answer, number: str) -> LiveResult:
    summary = answer.summaries[0] if answer.summaries else {}
    events = [e for e in (_event(d) for d in answer.details) if e is not None]
    if not events and summary.get("prcsDttm") and (summary.get("prgsStts") or summary.get("csclPrgsStts")):
        events = [e for e in [_event({"cargTrcnRelaBsopTpcd": summary.get("prgsStts") or summary.get("csclPrgsStts"), "prcsDttm": summary["prcsDttm"]})] if e]
    result = LiveResult(
        provider=Unipass.id,
        number=number,
        events=events,
        not_found=not events and not summary,
        status=summary.get("prgsStts") or summary.get("csclPrgsStts") or None,
        customs_state=summary.get("csclPrgsStts") or summary.get("prgsStts") or None,
    ).sort()
    result.events = _without_late_paperwork(result.events)
    return result


def _event(detail: dict) -> Event | None:
    name = detail.get("cargTrcnRelaBsopTpcd", "")
    if not name:
        return None
    content = detail.get("rlbrCn", "")
    when = _time(detail.get("prcsDttm", "")) or dates.parse_iso(detail.get("rlbrDttm", "").replace(" ", "T") or None)
    milestone = vocabulary.milestone(Unipass.id, None, name)
    if milestone == "handover":
        milestone = vocabulary.unipass_release_exception(content) or milestone
    return Event(
        time=when,
        text=f"{name} ({content})" if content else name,
        title=name,
        location=detail.get("shedNm", ""),
        milestone=milestone,
        source=Unipass.source,
    )


def _time(text: str) -> datetime | None:
    """``yyyyMMddHHmmss`` (Seoul time)."""
    if not re.fullmatch(r"\d{14}", text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=dates.KST)
    except ValueError:
        return None


def _without_late_paperwork(events: list[Event]) -> list[Event]:
    """Drop paperwork newer than the release (an unloading-place deadline extended after the
    parcel left): it would hide the release from anyone reading the newest event."""
    released = next((i for i, e in enumerate(events) if e.milestone == "handover"), None)
    if released is None:
        return events
    newer = [e for e in events[:released] if not vocabulary.is_admin(Unipass.id, e.title)]
    return newer + events[released:]


PROVIDER = Unipass()
