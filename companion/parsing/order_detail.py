"""The order detail page, ``/p/order/detail.html?orderId=…`` (docs/facts/aliexpress-pages.md §3.1):
stable BEM-like classes; the latest tracking event and the ETA, but (since 2025) no number.
The address block is personal data and is never read."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from companion import dates
from companion.models import Event
from companion.models import Order
from companion.models import Page
from companion.models import Parcel
from companion.parsing import vocabulary
from companion.parsing.base import Capture
from companion.parsing.base import Narrowing
from companion.parsing.base import PageParser
from companion.parsing.base import order_id_from_hrefs
from companion.parsing.base import text_of
from companion.parsing.base import visible_text
from companion.parsing.page_urls import ORDER_ID_IN_HREF

_ORDERED = re.compile(r"order placed|주문\s*(?:일|날짜|일자)|주문한\s*날", re.I)
_SHIPPED = re.compile(r"shipment completed|shipped on|발송\s*(?:완료|일)|배송\s*시작", re.I)
_ID = re.compile(r"\b(\d{15,19})\b")
_REFUND_NODE = re.compile(r"\s*(?:refund|환불)\b", re.I)


# What the detail reading builds: the status, the progress bar, the services (the protection
# promise), the order info and the track lines, and the links that may carry the order id or
# lead to the tracking page. Never the recipient block (order-detail-info), the products or
# the rest of the page.
_BLOCKS = frozenset(
    {"order-status", "order-status-content", "service-progress", "service-progress-node-info", "order-detail-services",
     "order-detail-order-info", "order-detail-item-track"}
)
_NOT_READ = re.compile(r"(?:^|\s)(?:es--|comet-icon(?:\s|$)|contact-info)")


def _keep(name: str, attrs: dict) -> bool:
    if name == "a":
        href = attrs.get("href") or ""
        return "/p/tracking/" in href or ORDER_ID_IN_HREF.search(href) is not None
    value = attrs.get("class")
    return bool(value) and not _BLOCKS.isdisjoint(value.split())


def _skip(name: str, attrs: dict) -> bool:
    value = attrs.get("class")
    return bool(value) and _NOT_READ.search(value) is not None


class OrderDetailParser(PageParser):
    kind = "order_detail"
    narrowing = Narrowing(keep=_keep, skip=_skip)

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        return soup.find(class_="order-detail-order-info") is not None or soup.find(
            class_="order-detail-item-track"
        ) is not None

    def parse(self, soup, capture: Capture, page: Page) -> None:
        order_id = capture.order_id()
        if soup is None:
            if order_id:
                page.orders.append(Order(order_id=order_id, sources=["order detail page"]))
            return
        info = soup.find(class_="order-detail-order-info")
        if not order_id and info is not None:
            match = _ID.search(text_of(info))
            order_id = match.group(1) if match else None
        order_id = order_id or order_id_from_hrefs(soup)
        if not order_id:
            page.warnings.append("the detail page does not say which order it is")
            return
        order = Order(order_id=order_id, sources=["order detail page"])
        status = soup.find(class_="order-status-content") or soup.find(class_="order-status")
        if status is not None:
            reminder = status.find(class_="order-status-info")
            if reminder is not None:
                reminder.extract()  # the reminder line talks about other states ("if not received…")
            order.status_text = text_of(status.find(class_="order-status-title") or status)[:80]
            order.status = vocabulary.status_from_text(order.status_text)
        for row in soup.select(".order-detail-order-info .info-row, .order-detail-order-info li"):
            text = text_of(row)
            if _ORDERED.search(text) and not order.ordered_on:
                order.ordered_on = dates.parse_date(text, capture.captured_at)
            elif _SHIPPED.search(text) and not order.shipped_on:
                order.shipped_on = dates.parse_date(text, capture.captured_at)
        for track in soup.find_all(class_="order-detail-item-track"):
            parcel = _latest(track, capture)
            if parcel:
                order.parcels.append(parcel)
        order.has_tracking_link = soup.find("a", href=re.compile(r"/p/tracking/")) is not None
        order.protection_until = _protection(soup, capture)
        page.orders.append(order)


def _protection(soup, capture: Capture):
    """The page's own "Refund if no delivery before …" (services block), else the progress bar's
    "Refund" node with its date under it."""
    found = vocabulary.protection_date_text(visible_text(soup))
    if found:
        return dates.parse_date(found, capture.captured_at)
    for node in soup.select(".service-progress-node-info"):
        text = text_of(node)
        if _REFUND_NODE.match(text):
            return dates.parse_date(text, capture.captured_at)
    return None


def _latest(track, capture: Capture) -> Parcel | None:
    """The detail page shows one line per parcel: the latest event (its time in the title, when
    there is one) and the ETA."""
    desc = text_of(track.find(class_="order-detail-item-track-info-desc"))
    title = text_of(track.find(class_="order-detail-item-track-info-title"))
    when = dates.parse_datetime(title, capture.captured_at) if title else None
    if when is not None and len(title) <= 24:
        title = ""  # the title was only the time
    parcel = Parcel()
    if desc or title:
        parcel.events.append(
            Event(time=when, text=desc or title, title=title, milestone=vocabulary.classify_event(None, desc, title))
        )
    eta = text_of(track.find(class_="order-detail-item-track-eta-text"))
    parcel.eta_end = dates.parse_date(eta, capture.captured_at) if eta else None
    return parcel if parcel.events else None
