"""When a page changes under us, say so.

AliExpress changes its markup without notice. A parser that reads nothing from a page that
clearly holds orders, or no event from a tracking panel that is clearly there, or events whose
wording matches nothing we know, must not pass that silence on as a diagnosis ("no tracking
yet", "stalled"). This module tells, from the capture itself and what was read from it, that
the page was not understood: the answer then carries a ``page_not_understood`` notice, and an
order whose tracking could not be read gets that, not a confident cause.

It looks at the capture, not at a parser's internals, so a parser rewritten tomorrow is held
to the same test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from companion.models import Evidence
from companion.models import Order
from companion.models import Page
from companion.parsing import payloads
from companion.parsing.base import Capture
from companion.parsing.page_urls import ORDER_ID_IN_HREF
from companion.jsonwalk import as_list
from companion.jsonwalk import dig
from companion.rules.base import finding

CODE = "page_not_understood"
# Most of the page's own events matching no wording we know: at least this many events ...
_MIN_EVENTS = 3
# ... of which more than this share matched nothing.
_UNMATCHED_SHARE = 0.5
# A tracking panel: an element whose class names tracking or logistics, and times in the page.
_PANEL = re.compile(r"""class=["'][^"']*(?:track|logistic)[^"']*["']""", re.I)
_CLOCK = re.compile(r">[^<]*\b\d{1,2}:\d{2}\b[^<]*<")
_MAX_IDS = 60  # orders said "not read" from one page, at most


@dataclass
class Verdict:
    """What could not be read: reasons (as evidence, in both languages) and orders it concerns."""

    reasons: list[Evidence] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)  # ids seen on the page, none read
    tracking_unread: bool = False  # the tracking panel or its wording was not understood

    def __bool__(self) -> bool:
        return bool(self.reasons)


def check(capture: Capture, page: Page) -> Verdict:
    verdict = Verdict()
    if page.site != "aliexpress":
        return verdict
    if not page.orders:
        ids = _order_ids(capture.html or "")
        if ids:
            verdict.reasons.append(
                Evidence(
                    f"페이지에 주문번호가 {len(ids)}개 있는데 주문을 하나도 읽지 못했어요",
                    f"the page holds {len(ids)} order id(s) but no order was read",
                    "order ids in links, no order card read",
                )
            )
            verdict.order_ids = ids[:_MAX_IDS]
        elif any(_order_list_json(p) for p in capture.payloads or []):
            verdict.reasons.append(
                Evidence(
                    "주문 목록 데이터가 함께 왔는데 주문을 하나도 읽지 못했어요",
                    "an order-list JSON came with the page but no order was read",
                    "mtop.aliexpress.trade.buyer.order.list",
                )
            )
    if page.kind == "tracking":
        events = [e for o in page.orders for p in o.parcels for e in p.events]
        if not events and _panel_with_events(capture):
            verdict.reasons.append(
                Evidence("배송 조회 화면이 있는데 배송 기록을 하나도 읽지 못했어요", "a tracking panel is on the page but no event was read")
            )
            verdict.tracking_unread = True
        own = [e for e in events if not e.source]
        unmatched = [e for e in own if e.milestone is None]
        if len(own) >= _MIN_EVENTS and len(unmatched) > _UNMATCHED_SHARE * len(own):
            verdict.reasons.append(
                Evidence(
                    f"배송 기록 {len(own)}개 중 {len(unmatched)}개가 아는 표현이 아니에요",
                    f"{len(unmatched)} of {len(own)} events match no known wording",
                )
            )
            verdict.tracking_unread = True
    return verdict


def _order_ids(html: str) -> list[str]:
    found: list[str] = []
    for match in ORDER_ID_IN_HREF.finditer(html):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def _order_list_json(payload) -> bool:
    body = payload.get("data", payload) if isinstance(payload, dict) else None
    try:
        return payloads.order_list.looks_like(body)
    except Exception:  # a payload of any shape is only a question here
        return False


def _panel_with_events(capture: Capture) -> bool:
    for payload in capture.payloads or []:
        body = payload.get("data", payload) if isinstance(payload, dict) else None
        lines = as_list(dig(body, "data", "module", "trackingDetailLineList")) + as_list(dig(body, "module", "trackingDetailLineList"))
        if any(isinstance(line, dict) and as_list(line.get("detailList")) for line in lines):
            return True
    html = capture.html or ""
    return bool(_PANEL.search(html)) and len(_CLOCK.findall(html)) >= 2


TITLE = ("이 페이지 모양이 바뀐 것 같아요", "This page seems to have changed")
EXPLANATION = (
    "알리익스프레스 화면이 바뀌어 이 주문의 배송 정보를 제대로 읽지 못했어요. 배송 상태는 화면에서 직접 확인해 주세요. "
    "확장 프로그램을 최신 버전으로 업데이트해 보고, 그래도 같으면 팝업의 '이 페이지 진단 파일 저장'으로 파일을 만들어 문제 신고에 첨부해 주세요.",
    "AliExpress changed this page, so its shipping information could not be read. Check the delivery status on the page itself. "
    "Update the extension; if it stays the same, save a diagnosis file with 'Save this page's diagnosis file' in the popup and attach it to a bug report.",
)


def the_finding(verdict: Verdict):
    """The one finding an order gets when what concerns it could not be read."""
    return finding(CODE, "info", (TITLE[0], EXPLANATION[0]), (TITLE[1], EXPLANATION[1]), evidence=verdict.reasons)


def notice(verdict: Verdict, lang: str) -> dict:
    """The answer's notice: code, title, what to do, and why, in the user's language."""
    ko = lang != "en"
    return {"code": CODE, "title": TITLE[0] if ko else TITLE[1], "message": EXPLANATION[0] if ko else EXPLANATION[1],
            "reasons": [reason.text(lang) for reason in verdict.reasons]}


def unread_orders(verdict: Verdict) -> list[Order]:
    """Orders seen on the page but not read: each id alone, so each can say it was not read."""
    return [Order(order_id=order_id, sources=["page not understood"]) for order_id in verdict.order_ids]
