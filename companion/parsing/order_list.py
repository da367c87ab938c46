"""The order list, ``/p/order/index.html``: one ``.order-item`` card per order (2023–2026 DOM,
docs/facts/aliexpress-pages.md §2.1), the page-1 JSON embedded as ``window.__INIT_DATA_CALLBACK__``, and
the pre-2022 ``orderList.htm`` table (§5)."""

from __future__ import annotations

import itertools
import json
import re

from bs4 import BeautifulSoup
from bs4 import Tag

from companion import dates
from companion.models import Order
from companion.models import Page
from companion.parsing import vocabulary
from companion.parsing.base import Capture
from companion.parsing.base import Narrowing
from companion.parsing.base import PageParser
from companion.parsing.base import order_id_from_hrefs
from companion.parsing.base import text_of
from companion.parsing.page_urls import ORDER_ID_IN_HREF
from companion.parsing.payloads import order_list as list_json

EMBED_MARKER = "__INIT_DATA_CALLBACK__"
_INFO_LINES = 12
# Labels change (주문 ID: → 주문번호::, Order ID: → Ref. Number:); a 12–20 digit run after any of
# them is only a fallback when no link carries the id.
_ID_LABEL = re.compile(r"(?:주문\s*(?:ID|번호)|order\s*(?:id|no\.?|number)|ref\.?\s*number)\s*:*\s*(\d{12,20})", re.I)


# What the list reading builds: the order cards (the old page's rows) and the inline scripts (the
# embedded page-1 JSON); inside a card, not the product rows, the store line, the prices, icons
# and copy buttons, which no reading looks at, nor (their contents aside) the wrappers around
# the header's right side and the buttons and the plain spans around button labels.
_CARD = "order-item"
_OLD_ROW = "order-item-wraper"  # sic: the old page's spelling
# An element of a card with a class that is one of these, or one of these and "--…" (a CSS
# module's hash), is not read, nor anything in it. The extension leaves them out of the list it
# sends too (extension/common/generated.js: LIST_UNREAD): less to send and read, and no copy of
# the product rows' markup (the item title the dashboard shows comes from the order JSON).
UNREAD_IN_CARD = (
    "order-item-content-body",
    "order-item-content-img",
    "order-item-content-img-list",
    "order-item-store",
    "order-item-content-opt-price",
    "order-item-header-right-copy",
    "es--wrap",
    "comet-icon",
)
_NOT_READ_IN_CARD = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, UNREAD_IN_CARD)) + r")(?:\s|--|$)")
_WRAPPERS = frozenset({"order-item-header-right", "order-item-content", "order-item-content-opt", "order-item-btns-wrap"})


def _keep(name: str, attrs: dict) -> bool:
    if name == "script":
        return True
    value = attrs.get("class")
    # one substring test turns away almost every element of the page (both names hold it)
    return bool(value) and _CARD in value and (_CARD in (names := value.split()) or _OLD_ROW in names)


def unread_in_card(classes: str) -> bool:
    """Whether an element of a card with this class attribute is one no reading looks at."""
    return _NOT_READ_IN_CARD.search(classes) is not None


def _skip(name: str, attrs: dict) -> bool:
    value = attrs.get("class")
    return bool(value) and unread_in_card(value)


def _unwrap(name: str, attrs: dict) -> bool:
    if name == "span":
        return not attrs  # a bare span: only its text counts
    return name == "div" and attrs.get("class") in _WRAPPERS


class OrderListParser(PageParser):
    kind = "order_list"
    narrowing = Narrowing(keep=_keep, skip=_skip, unwrap=_unwrap)

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        return soup.find(class_=_CARD) is not None or soup.find(class_=_OLD_ROW) is not None

    def parse(self, soup, capture: Capture, page: Page) -> None:
        if soup is None:
            return
        ctx = _Ctx(capture)
        cards, rows, scripts = [], [], []
        # One walk of the (narrowed) document that enters each card once: the card's own walk
        # (_CardParts) gathers what the card holds, this one goes on after it. A card inside a
        # card is no real page's: only the outer one is read.
        node = soup.contents[0] if soup.contents else None  # where the document's descendants start
        while node is not None:
            if isinstance(node, Tag):
                if node.name == "script":
                    scripts.append(node)
                elif classes := node.get("class"):
                    if _OLD_ROW in classes:
                        rows.append(node)
                    if _CARD in classes:
                        parts = _CardParts(node)
                        cards.append(parts)
                        rows.extend(parts.rows)
                        scripts.extend(parts.scripts)
                        node = _after(node)
                        continue
            node = node.next_element
        for parts in cards:
            order = _card(parts, ctx)
            if order is None:
                page.warnings.append("an order card without an order id was skipped")
            else:
                page.orders.append(order)
        for row in rows:
            order = _legacy_card(row, ctx)
            if order:
                page.orders.append(order)
        _read_embedded((script.string or "" for script in scripts), ctx, page)


def _after(node: Tag):
    """The first element or string after everything ``node`` holds, or None at the end."""
    for el in (node, *node.parents):
        if el.next_sibling is not None:
            return el.next_sibling
    return None


class _Ctx:
    def __init__(self, capture: Capture):
        self.now = capture.captured_at
        self.order_id = None


class _CardParts:
    """What a card holds that the reading needs, found in one walk of the card; and the scripts
    and old-page rows in it, which the page's walk then does not enter the card for."""

    def __init__(self, card: Tag):
        self.card = card
        self.header = self.info = self.status = self.status_text = self.status_box = None
        self.order_id = None
        self.tracking_link = False
        self.buttons: list[Tag] = []
        self.scripts: list[Tag] = []
        self.rows: list[Tag] = []
        # Depth first in document order; each element carries whether it sits in the card's
        # button block (.order-item-btns), so no element looks up its ancestors.
        stack = [(child, "order-item-btns" in (card.get("class") or ())) for child in reversed(card.contents)]
        while stack:
            node, in_buttons = stack.pop()
            if not isinstance(node, Tag):
                continue
            if node.name == "script":
                self.scripts.append(node)
            classes = node.get("class") or ()
            if classes:
                if _OLD_ROW in classes:
                    self.rows.append(node)
                if self.header is None and "order-item-header" in classes:
                    self.header = node
                if self.info is None and "order-item-header-right-info" in classes:
                    self.info = node
                if self.status_text is None and "order-item-header-status-text" in classes:
                    self.status_text = node
                if self.status_box is None and "order-item-header-status" in classes:
                    self.status_box = node
            if self.status is None and node.get("data-pl") == "order_item_header_status":
                self.status = node
            if node.name == "a":
                href = node.get("href")
                if href is not None:
                    if self.order_id is None:
                        match = ORDER_ID_IN_HREF.search(href)
                        self.order_id = match.group(1) if match else None
                    self.tracking_link = self.tracking_link or _TRACKING_HREF.search(href) is not None
            if node.name in ("a", "button") and (in_buttons or "order-item-btn" in classes):
                self.buttons.append(node)
            in_buttons = in_buttons or "order-item-btns" in classes
            stack.extend((child, in_buttons) for child in reversed(node.contents))


_TRACKING_HREF = re.compile(r"/p/tracking/|logisticsdetail")


def _card(parts: _CardParts, ctx) -> Order | None:
    header = parts.header or parts.card
    order_id = parts.order_id
    if not order_id:
        match = _ID_LABEL.search(text_of(header))
        order_id = match.group(1) if match else None
    if not order_id:
        return None
    status_text = text_of(parts.status or parts.status_text or parts.status_box)
    order = Order(order_id=order_id, status=vocabulary.status_from_text(status_text), status_text=status_text)
    info = parts.info or header
    # The header info holds two lines (date and id); a dozen is plenty and bounds a hostile page.
    lines = list(itertools.islice((node for node in info.descendants if isinstance(node, Tag) and node.name == "div"), _INFO_LINES))
    for line in lines or [info]:
        # The id line holds 16 digits that no date pattern should see.
        text = re.sub(r"\d{12,20}", " ", text_of(line))
        day = dates.parse_date(text, ctx.now)
        if day:
            order.ordered_on = day
            break
    for button in parts.buttons:
        kind = vocabulary.button_kind(text_of(button))
        if "/p/tracking/" in (button.get("href") or ""):
            kind = "tracking"
        if kind and kind not in order.buttons:
            order.buttons.append(kind)
    order.has_tracking_link = "tracking" in order.buttons or parts.tracking_link
    if order.status == "unknown":
        order.status = vocabulary.status_from_buttons(order.buttons)
    order.sources.append("order list page")
    return order


def _legacy_card(row: Tag, ctx) -> Order | None:
    """Pre-2022 ``orderList.htm``: the id sits in ``.order-info .first-row .info-body``."""
    order_id = order_id_from_hrefs(row)
    if not order_id:
        match = re.search(r"\d{12,20}", text_of(row.select_one(".order-info .first-row .info-body")))
        order_id = match.group(0) if match else None
    if not order_id:
        return None
    status_text = text_of(row.select_one(".order-status .f-left") or row.select_one(".order-status"))
    order = Order(order_id=order_id, status=vocabulary.status_from_text(status_text), status_text=status_text)
    order.ordered_on = dates.parse_date(text_of(row.select_one(".order-info .second-row .info-body")), ctx.now)
    order.has_tracking_link = row.select_one(".button-logisticsTracking") is not None
    order.sources.append("old order list page")
    return order


def _read_embedded(scripts, ctx, page: Page) -> None:
    """The orders of every script that hands page 1 to ``__INIT_DATA_CALLBACK__``."""
    for body in scripts:
        if EMBED_MARKER in body:
            embedded = _embedded_json(body)
            if embedded is None:
                page.warnings.append("the embedded order JSON could not be read")
            else:
                page.orders.extend(list_json.read(embedded, ctx))


def _embedded_json(script: str):
    """The object handed to ``__INIT_DATA_CALLBACK__`` (a call or an assignment, either way)."""
    start = script.find("{", script.find(EMBED_MARKER))
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(script, start)
    except (ValueError, RecursionError):  # RecursionError: JSON nested ~1,000 deep
        return None
    return value
