"""From a capture to a :class:`Page`: one parser per page kind, chosen by URL (or by the DOM
when there is no URL), then every JSON payload read and merged into the same orders.

Registry order matters only for DOM sniffing; a URL names its parser unambiguously.

Two readings, one answer. BeautifulSoup reads every kind of page (the reference reading,
``fast=False``). An order list, the page that carries dozens of orders and a real page's noise,
is read from lxml's C tree instead (``order_list.parse_tree``), which gives exactly the same
orders several times faster; whatever that reading does not mirror falls back to BeautifulSoup.
tests/test_fast_path.py holds both readings to the same JSON on every fixture.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lxml import etree

from companion.models import Order
from companion.models import Page
from companion.parsing import order_list
from companion.parsing import payloads
from companion.parsing.base import Capture
from companion.parsing.base import make_soup
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

# The lxml reading of order lists. False reads every page with BeautifulSoup (tests, bisecting).
FAST = True


@dataclass
class _ReadContext:
    now: object
    order_id: str | None


def is_aliexpress(host: str) -> bool:
    return host == "aliexpress.com" or host.endswith(".aliexpress.com")


def parse(capture: Capture, fast: bool | None = None) -> Page:
    """Read everything the capture holds. Never raises: what fails becomes a warning.

    ``fast`` (default :data:`FAST`) reads an order list from lxml's tree; the answer is the same.
    """
    if capture.html and (FAST if fast is None else fast):
        page = _parse_list_fast(capture)
        if page is not None:
            return page
    page = Page()
    soup = None
    if capture.html:
        try:
            soup = make_soup(capture.html)
        except Exception:  # lxml refuses some byte soups; the payloads may still be read
            log.warning("the page HTML could not be parsed")
            page.warnings.append("the page HTML could not be parsed")
    parser = _choose(capture, soup)
    page.site = "aliexpress" if parser is not GENERIC or is_aliexpress(capture.host) else "generic"
    page.kind = parser.kind
    try:
        parser.parse(soup, capture, page)
    except Exception:
        log.exception("the %s parser failed; the diagnosis is partial", parser.kind)
        page.warnings.append(f"the {parser.kind} page could not be read completely")
    _read_payloads(capture, page)
    page.orders = _merged(page)
    return page


def _parse_list_fast(capture: Capture) -> Page | None:
    """An order list read from lxml's tree, or None: not an order list, or a page only the
    BeautifulSoup reading handles exactly (it then reads it, and reports what went wrong)."""
    if capture.url:
        if not is_aliexpress(capture.host):
            return None
        by_url = next((p for p in PARSERS if p.matches_url(capture)), None)
        if by_url is not None and by_url.kind != "order_list":
            return None
    else:
        by_url = None
    return _LXML_THREAD.submit(_read_list, capture, by_url is None).result()


# Every lxml tree is built (and dropped) on this one thread. libxml2 allocates with malloc, and
# glibc gives each thread its own arena and keeps what a big page left in it: built on each of
# the server's worker threads, the trees would hold several times the memory for nothing.
_LXML_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parcel-doctor-lxml")


def _read_list(capture: Capture, sniff: bool) -> Page | None:
    """The reading itself, on the lxml thread; ``sniff``: the URL did not say it is a list."""
    root = _lxml_tree(capture.html)
    if root is None:
        return None
    if sniff and not order_list.dom_matches(root):
        return None  # _choose would sniff another kind of page, or none
    page = Page(site="aliexpress", kind="order_list")
    try:
        order_list.parse_tree(root, capture, page)
    except Exception:  # order_list.Unsupported, or a fault the BeautifulSoup reading will report
        return None
    _read_payloads(capture, page)
    page.orders = _merged(page)
    return page


def _lxml_tree(html: str):
    """The document element, built by libxml2 exactly as for ``make_soup`` (BeautifulSoup's
    lxml builder feeds the text, less a leading byte-order mark, to an ``etree.HTMLParser``)."""
    if html.startswith("\ufeff"):
        html = html[1:]
    parser = etree.HTMLParser(recover=True)
    try:
        parser.feed(html)
        root = parser.close()
    except Exception:  # lxml refuses some byte soups; BeautifulSoup then tries its other ways
        return None
    if root is None or _TOO_DEEP(root):
        return None
    return root


# libxml2 stops building a tree at 256 levels of nesting (and drops the rest of the page) where
# BeautifulSoup, fed the same parse as events, goes on: a page that deep is not read from the tree.
_TOO_DEEP = etree.XPath("boolean(" + "/*" * 255 + ")")


def _choose(capture: Capture, soup):
    if capture.url and not is_aliexpress(capture.host):
        return GENERIC
    if capture.url:
        for parser in PARSERS:
            if parser.matches_url(capture):
                return parser
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
            page.orders.extend(reader.read(body, ctx))
        except Exception:
            log.exception("payload %d could not be read", index)
            page.warnings.append(f"payload {index} could not be read completely")
            continue
        if page.kind == "generic" and not capture.html:
            page.kind = _KIND_OF_READER[reader]
            page.site = "aliexpress"


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
                holder = Order(order_id=target.order_id, parcels=[parcel], sources=order.sources)
                target.merge(holder)
            elif parcel.tracking_number and parcel.tracking_number not in page.loose_numbers:
                page.loose_numbers.append(parcel.tracking_number)
    return orders


def _owner(orders: list[Order], number: str | None) -> Order | None:
    for order in orders:
        if any(p.tracking_number == number or p.origin_number == number for p in order.parcels if number):
            return order
    return orders[0] if len(orders) == 1 else None
