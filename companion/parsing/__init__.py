"""From a capture to a :class:`Page`: one parser per page kind, chosen by URL (or by the DOM
when there is no URL), then every JSON payload read and merged into the same orders.

Registry order matters only for DOM sniffing; a URL names its parser unambiguously.

One reading per page kind, on BeautifulSoup with lxml as its builder. A parser the URL chose
says which parts of the page it reads (:class:`companion.parsing.base.Narrowing`) and only
those are built: on a real page they are a small part of it. A page without a URL is built
whole, since its kind is found from its DOM.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass


from companion.models import Order
from companion.models import Page
from companion.models import Tracking
from companion.parsing import payloads
from companion.parsing.base import Capture
from companion.parsing.base import make_soup
from companion.parsing.base import take_apart
from companion.parsing.generic import GenericParser
from companion.parsing.order_detail import OrderDetailParser
from companion.parsing.order_list import OrderListParser
from companion.parsing.tracking import TrackingParser

log = logging.getLogger(__name__)

PARSERS = (OrderListParser(), OrderDetailParser(), TrackingParser())
GENERIC = GenericParser()
# A payload read on its own (no page) still tells what kind of page it came from.
_KIND_OF_READER = {
    payloads.order_list: "order_list",
    payloads.order_detail: "order_detail",
    payloads.querydetail: "tracking",
    payloads.cainiao: "tracking",
}

__all__ = ["Capture", "parse"]


@dataclass
class _ReadContext:
    now: object
    order_id: str | None


def is_aliexpress(host: str) -> bool:
    return host == "aliexpress.com" or host.endswith(".aliexpress.com")


def parse(capture: Capture) -> Page:
    """Read everything the capture holds. Never raises: what fails becomes a warning."""
    page = Page()
    by_url = _by_url(capture)
    soup = None
    if capture.html:
        try:
            soup = make_soup(capture.html, by_url.narrowing_for(capture) if by_url is not None else None)
        except Exception:  # lxml refuses some byte soups; the payloads may still be read
            log.warning("the page HTML could not be parsed")
            page.warnings.append("the page HTML could not be parsed")
    parser = by_url or _by_dom(capture, soup)
    page.site = "aliexpress" if parser is not GENERIC or is_aliexpress(capture.host) else "generic"
    page.kind = parser.kind
    try:
        parser.parse(soup, capture, page)
    except Exception:
        log.exception("the %s parser failed; the diagnosis is partial", parser.kind)
        page.warnings.append(f"the {parser.kind} page could not be read completely")
    if soup is not None:
        take_apart(soup)
    _read_as(parser.kind, page.orders)
    _read_payloads(capture, page)
    page.orders = _merged(page)
    return page


def _by_url(capture: Capture):
    """The parser the URL names, or None (no URL, or one no parser owns)."""
    if not capture.url:
        return None
    if not is_aliexpress(capture.host):
        return GENERIC
    return next((parser for parser in PARSERS if parser.matches_url(capture)), None)


def _by_dom(capture: Capture, soup):
    """The parser whose page the DOM looks like (a capture without a URL, or one of an AliExpress
    page no parser owns)."""
    if soup is not None:
        for parser in PARSERS:
            if parser.matches_dom(soup):
                return parser
    return GENERIC


def _read_payloads(capture: Capture, page: Page) -> None:
    order_id = None
    if page.kind in ("tracking", "order_detail"):
        order_id = capture.order_id()
    ctx = _ReadContext(now=capture.captured_at, order_id=order_id)
    for index, payload in enumerate(capture.payloads or []):
        if not isinstance(payload, dict):
            page.warnings.append(f"payload {index} is not an object")
            continue
        api, body = payload.get("api"), payload.get("data", payload)
        reader = payloads.reader_for(api, body)
        if reader is None:
            page.warnings.append(f"payload {index} ({str(api)[:60]}) is not one we read")
            continue
        try:
            page.orders.extend(_read_as(_KIND_OF_READER[reader], reader.read(body, ctx)))
        except Exception:
            log.exception("payload %d could not be read", index)
            page.warnings.append(f"payload {index} could not be read completely")
            continue
        if page.kind == "generic" and not capture.html:
            page.kind = _KIND_OF_READER[reader]
            page.site = "aliexpress"


def _read_as(kind: str, orders: list[Order]) -> list[Order]:
    """The one place that says an order's tracking was read: a tracking page, or a tracking
    payload (querydetail, Cainiao), held it."""
    if kind == "tracking":
        for order in orders:
            order.tracking = Tracking.READ
    return orders


def _merged(page: Page) -> list[Order]:
    """One order per id, in the order first seen; id-less readings join the order they fit."""
    by_id: dict[str, Order] = {}
    loose: list[Order] = []
    for order in page.orders:
        if not order.order_id:
            loose.append(order)
        elif order.order_id in by_id:
            by_id[order.order_id].merge(order)
        else:
            by_id[order.order_id] = order
    orders = list(by_id.values())
    for order in loose:
        for parcel in order.parcels:
            target = _owner(orders, parcel.tracking_number)
            if target is not None:
                holder = Order(order_id=target.order_id, parcels=[parcel], sources=order.sources, tracking=order.tracking)
                target.merge(holder)
            elif parcel.tracking_number and parcel.tracking_number not in page.loose_numbers:
                page.loose_numbers.append(parcel.tracking_number)
    return orders


def _owner(orders: list[Order], number: str | None) -> Order | None:
    for order in orders:
        if any(p.tracking_number == number or p.origin_number == number for p in order.parcels if number):
            return order
    return orders[0] if len(orders) == 1 else None
