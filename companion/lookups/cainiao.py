"""Cainiao's key-free ``global.cainiao.com/global/detail.json`` (docs/facts/carriers.md §3–4, S3/S6).

Up to 10 numbers a call. The body is the same one the page's payload reader already reads
(:mod:`companion.parsing.payloads.cainiao`): that reader is used here as is, so the mapping of
``actionCode`` to milestones (``GTMS_STA_SIGNED`` = a pickup point, not delivery) lives in one
place. What the live call adds: "not found" (``mailNoSource`` ``EXTERNAL`` with no events, or a
number missing from the answer), the overall ``status``, and each event's ``source``.

Alibaba's anti-bot wall answers with an HTML "punish" page (or a slider captcha) instead of
JSON: that is :class:`Blocked`, not a parse error.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from types import SimpleNamespace

from companion import dates
from companion import numbers as registry
from companion.lookups import http
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import Context
from companion.lookups.base import DONE_MILESTONES
from companion.lookups.base import LiveResult
from companion.lookups.base import Provider
from companion.lookups.base import RateLimited
from companion.lookups.base import Timeout
from companion.lookups.base import clean
from companion.lookups.base import newest_milestone
from companion.models import Parcel
from companion.parsing.payloads import cainiao as reader
from companion.jsonwalk import as_list
from companion.jsonwalk import as_text
from companion.jsonwalk import dig

URL = "https://global.cainiao.com/global/detail.json"
_BOT_WALL = re.compile(r"punish|captcha|x5secdata|nocaptcha|slide to verify|_____tmd_____", re.I)
_RATE_WORDS = re.compile(r"limit|frequen|too many|busy", re.I)


class Cainiao(Provider):
    id = "cainiao"
    source = "Cainiao"
    name = {"ko": "차이냐오(Cainiao) 배송 조회", "en": "Cainiao tracking"}
    label = {"ko": "차이냐오", "en": "Cainiao"}
    sends = {
        "ko": "운송장 번호(LP…·S10)만 차이냐오 global.cainiao.com(중국)으로 보내요.",
        "en": "Sends only the tracking number (LP…, S10) to Cainiao at global.cainiao.com (China).",
    }
    host = "global.cainiao.com"
    batch_size = 10

    def numbers(self, parcel: Parcel) -> list[str]:
        if newest_milestone(parcel) in DONE_MILESTONES:
            return []
        found = []
        for number in (parcel.tracking_number, parcel.origin_number):
            number = registry.extract(number)
            if number and self._ours(number) and number not in found:
                found.append(number)
        return found

    @staticmethod
    def _ours(number: str) -> bool:
        """Cainiao's own numbers (LP…, SWX…) and the postal S10 numbers it follows, by their shape:
        a check digit that fails does not make a number unknown to the carrier (placeholders in
        published samples, a carrier's own odd series), and Cainiao is the one to say so."""
        return any(c.id == "cainiao" or c.kind == "postal" for c in registry.shapes_of(number))

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        asked = [registry.normalize(n) for n in numbers][: self.batch_size]
        reply = http.request(
            session,
            "GET",
            URL,
            params={"mailNos": ",".join(asked), "lang": "en-US", "language": "en-US"},
            headers={"Accept": "application/json, text/plain, */*", "Referer": "https://global.cainiao.com/"},
            timeout=timeout,
        )
        body = _json(reply)
        return parse(body, asked, context)


def _json(reply: http.Reply):
    if reply.looks_like_html():
        text = reply.text()
        if _BOT_WALL.search(text):
            raise Blocked("a bot check page")
        raise BadResponse("an HTML page instead of JSON")
    try:
        return json.loads(reply.text())
    except ValueError:
        raise BadResponse("malformed JSON") from None


def parse(body, asked: list[str], context: Context | None = None) -> dict[str, LiveResult]:
    """``detail.json``'s body → one result per asked number (missing ones: not found)."""
    if not isinstance(body, dict):
        raise BadResponse("not a JSON object")
    if body.get("success") is False or "module" not in body:
        message = " ".join(as_text(body.get(k)) for k in ("errorCode", "errorMsg", "msg", "message", "ret"))
        if _RATE_WORDS.search(message):
            raise RateLimited(None)
        raise BadResponse("the answer says it failed")
    modules = {
        registry.extract(as_text(m.get("mailNo"))): m for m in as_list(body.get("module")) if isinstance(m, dict)
    }
    ctx = SimpleNamespace(now=context.now if context else dates.now_kst(), order_id=None)
    read = {p.tracking_number: p for order in reader.read(body, ctx) for p in order.parcels}
    results = {}
    for number in asked:
        module = modules.get(number)
        parcel = read.get(number)
        if module is None or parcel is None:
            results[number] = LiveResult(provider=Cainiao.id, number=number, not_found=True)
            continue
        events = [replace(e, source=Cainiao.source) for e in parcel.events]
        domestic = parcel.domestic_number if parcel.domestic_number and parcel.domestic_number != number else None
        results[number] = LiveResult(
            provider=Cainiao.id,
            number=number,
            events=events,
            not_found=not events,
            status=clean(module.get("statusDesc")) or clean(module.get("status")) or None,
            domestic_carrier_name=clean(dig(module, "destCpInfo", "cpName")) or None,
            domestic_number=domestic,
            untracked_note=parcel.untracked_note,
        ).sort()
    return results


PROVIDER = Cainiao()
