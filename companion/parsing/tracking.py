"""The tracking page, ``/p/tracking/index.html?tradeOrderId=…`` (docs/facts/aliexpress-pages.md §4.1).

Client-rendered with CSS-module classes whose hash suffix changes between builds, so every
lookup goes through :func:`class_re` on the stable part. Events are newest first; several
packages follow one another in the DOM, each starting with its carrier and number.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from companion import dates
from companion import numbers
from companion.models import Event
from companion.models import Order
from companion.models import Page
from companion.models import Parcel
from companion.parsing import vocabulary
from companion.parsing.base import Capture
from companion.parsing.base import Narrowing
from companion.parsing.base import PageParser
from companion.parsing.base import class_re
from companion.parsing.base import order_id_from_hrefs
from companion.parsing.base import text_of
from companion.parsing.base import visible_text
from companion.parsing.page_urls import ORDER_ID_IN_HREF

MAIL_NO = class_re("logistic-info-v2--mailNoValue")
CARRIER = class_re("logistic-info-v2--carrierValue")
NODE = class_re("logistic-info-v2--node")
NODE_TITLE = class_re("logistic-info-v2--nodeTitle")
NODE_DESC = class_re("logistic-info-v2--nodeDesc")
NODE_TIME = class_re("logistic-info-v2--nodeTime")
ETA = class_re("arrival-time-v2--title")
ANY_PART = class_re(
    "logistic-info-v2--mailNoValue", "logistic-info-v2--carrierValue", "logistic-info-v2--node"
)
# What the tracking reading builds: the panels (the arrival time, the protection promises, the
# package tabs, the carrier, numbers and events; the old page's modules) and the links that may
# carry the order id. Inside them, not the recipient block nor the products; the header,
# scripts, recommendations and footer of the page are never built.
_PANEL = re.compile(
    r"(?:^|\s)(?:(?:tracking-page-pc|arrival-time|fast-delivery|tab-list|logistic-info)(?:-v\d+)?--"
    r"|(?:tracking-module|ship-steps)(?:\s|$))"
)
_NOT_READ = re.compile(r"(?:^|\s)(?:ship-to--|package-items(?:-v\d+)?--|logistic-info(?:-v\d+)?--shippingToInfo|es--)")


def _keep(name: str, attrs: dict) -> bool:
    if name == "a":
        return ORDER_ID_IN_HREF.search(attrs.get("href") or "") is not None
    value = attrs.get("class")
    return bool(value) and _PANEL.search(value) is not None


def _skip(name: str, attrs: dict) -> bool:
    value = attrs.get("class")
    return bool(value) and _NOT_READ.search(value) is not None


# "운송장 번호: LP00…" / "Tracking number: …" when the number has no element of its own.
_NUMBER_LABEL = re.compile(r"(?:운송장\s*번호|송장\s*번호|tracking\s*(?:number|no\.?))\s*[:：]?\s*([A-Z0-9][A-Z0-9-]{7,30})", re.I)
_COPY_WORD = re.compile(r"(?:copy|복사)$", re.I)


class TrackingParser(PageParser):
    kind = "tracking"
    narrowing = Narrowing(keep=_keep, skip=_skip)

    def narrowing_for(self, capture: Capture) -> Narrowing | None:
        # The old page (§4.3) prints its number wherever it likes and is small: built whole.
        return None if "logisticsdetail" in capture.path else self.narrowing

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        return soup.find(class_=NODE) is not None or soup.find(class_=MAIL_NO) is not None

    def parse(self, soup, capture: Capture, page: Page) -> None:
        order_id = capture.order_id()
        if soup is None:
            if order_id:
                page.orders.append(Order(order_id=order_id, sources=["tracking page"]))
            return
        order_id = order_id or order_id_from_hrefs(soup)
        if not order_id:
            page.warnings.append("the tracking page does not say which order it is")
            order_id = ""
        order = Order(order_id=order_id, sources=["tracking page"])
        order.parcels = _parcels(soup, capture)
        text = visible_text(soup)
        if not any(p.tracking_number for p in order.parcels):
            match = _NUMBER_LABEL.search(text)
            number = numbers.extract(match.group(1)) if match else None
            if number:
                if order.parcels:
                    order.parcels[0].tracking_number = number
                else:
                    order.parcels.append(Parcel(tracking_number=number))
        _domestic_from_text(order.parcels, text)
        found = vocabulary.protection_date_text(text)
        if found:
            order.protection_until = dates.parse_date(found, capture.captured_at)
        eta = soup.find(class_=ETA)
        if eta is not None and order.parcels and order.parcels[0].eta_end is None:
            order.parcels[0].eta_end = _eta_end(text_of(eta), capture)
        page.orders.append(order)


def _parcels(soup: BeautifulSoup, capture: Capture) -> list[Parcel]:
    """Walk the number, carrier and event elements in document order, a parcel at a time."""
    parcels: list[Parcel] = []
    current = None
    for node in soup.find_all(class_=ANY_PART):
        if _has(node, MAIL_NO):
            number = numbers.extract(_COPY_WORD.sub("", text_of(node)))
            if current is None or current.tracking_number:
                current = Parcel()
                parcels.append(current)
            current.tracking_number = number or None
        elif _has(node, CARRIER):
            if current is None or current.service or current.events:
                current = Parcel()
                parcels.append(current)
            current.service = text_of(node) or None
        elif _has(node, NODE):
            if current is None:
                current = Parcel()
                parcels.append(current)
            event = _event(node, capture)
            if event:
                current.events.append(event)
    if not parcels:
        parcels = _legacy_parcels(soup, capture)
    for parcel in parcels:
        parcel.sort_events()
    return [p for p in parcels if p.tracking_number or p.events or p.service]


def _legacy_parcels(soup: BeautifulSoup, capture: Capture) -> list[Parcel]:
    """The old ``track.aliexpress.com/logisticsdetail.htm`` (until ~2024, §4.3): one
    ``.tracking-module`` per parcel, events as ``ul.ship-steps > li``."""
    parcels = []
    # Outermost modules only, and each one's own steps: a page nesting them (never a real one)
    # must not cost the square of its depth.
    modules = [m for m in soup.select(".tracking-module") if m.find_parent(class_="tracking-module") is None]
    for module in modules or ([soup] if soup.select_one("ul.ship-steps") else []):
        parcel = Parcel(service=text_of(module.select_one(".title-eclp")) or None)
        steps = [li for ul in module.select("ul.ship-steps") if ul.find_parent("ul", class_="ship-steps") is None for li in ul.find_all("li", recursive=False)]
        for step in steps[:200]:
            text = text_of(step.select_one("p.text")) or text_of(step.select_one("p.head")) or text_of(step)
            when = " ".join(text_of(step.select_one(sel)) for sel in ("p.time", "p.timezone"))
            parcel.events.append(
                Event(time=dates.parse_datetime(when, capture.captured_at), text=text, milestone=vocabulary.classify_event(None, text))
            )
        parcels.append(parcel)
    return parcels


def _domestic_from_text(parcels: list[Parcel], text: str) -> None:
    """The Korean courier's number printed beside the main one ("운송장 번호: 561000000505 … CJ").

    The block that shows it has no class the references name, so it is found by its words: a
    second labelled number that is a Korean courier's, and the one Korean courier named around it.
    """
    known = {n for p in parcels for n in (p.tracking_number, p.origin_number) if n}
    others = []
    for match in _NUMBER_LABEL.finditer(text):
        number = numbers.extract(match.group(1)) or ""
        if number not in known and numbers.is_korean_courier_number(number) and number not in others:
            others.append(number)
    waiting = [p for p in parcels if p.tracking_number and not p.domestic_number]
    if len(others) != 1 or len(waiting) != 1:
        return
    parcel, number = waiting[0], others[0]
    parcel.domestic_number = number
    if parcel.carrier_name is None:
        at = text.find(number)
        window = text[max(0, at - 80) : at + len(number) + 80]
        named = {c.id: alias for c in numbers.all_carriers() if c.kind == "kr_courier" for alias in _named(c, window)}
        if len(named) == 1:
            parcel.carrier_name = next(iter(named.values()))


def _named(carrier, window: str) -> list[str]:
    """The names of ``carrier`` that stand as whole words in ``window``."""
    found = []
    for alias in (*carrier.aliases, *carrier.names.values()):
        if alias and re.search(r"(?<![A-Za-z0-9])" + re.escape(alias) + r"(?![A-Za-z0-9])", window):
            found.append(alias)
    return found[:1]


def _has(node, pattern: re.Pattern) -> bool:
    return any(pattern.match(c) for c in node.get("class", []))


def _event(node, capture: Capture) -> Event | None:
    title = text_of(node.find(class_=NODE_TITLE))
    desc = text_of(node.find(class_=NODE_DESC))
    when_text = text_of(node.find(class_=NODE_TIME))
    if not (title or desc):
        desc = text_of(node)
    if not (title or desc):
        return None
    return Event(
        time=dates.parse_datetime(when_text, capture.captured_at),
        text=desc or title,
        title=title,
        milestone=vocabulary.classify_event(None, title, desc),
    )


def _eta_end(text: str, capture: Capture):
    """"Delivery: Apr. 24 - May. 14" → May 14; "Delivered：Jul. 28" → Jul 28."""
    parts = re.split(r"\s[-–~]\s", text)
    return dates.parse_date(parts[-1], capture.captured_at) if parts else None
