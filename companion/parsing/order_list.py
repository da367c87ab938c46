"""The order list, ``/p/order/index.html``: one ``.order-item`` card per order (2023–2026 DOM,
aliexpress-pages.md §2.1), the page-1 JSON embedded as ``window.__INIT_DATA_CALLBACK__``, and
the pre-2022 ``orderList.htm`` table (§5)."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from bs4 import Tag

from companion import dates
from companion.models import Order
from companion.models import Page
from companion.parsing import vocabulary
from companion.parsing.base import Capture
from companion.parsing.base import PageParser
from companion.parsing.base import order_id_from_hrefs
from companion.parsing.base import text_of
from companion.parsing.payloads import order_list as list_json

EMBED_MARKER = "__INIT_DATA_CALLBACK__"
# Labels change (주문 ID: → 주문번호::, Order ID: → Ref. Number:); a 12–20 digit run after any of
# them is only a fallback when no link carries the id.
_ID_LABEL = re.compile(r"(?:주문\s*(?:ID|번호)|order\s*(?:id|no\.?|number)|ref\.?\s*number)\s*:*\s*(\d{12,20})", re.I)


class OrderListParser(PageParser):
    kind = "order_list"

    def matches_url(self, capture: Capture) -> bool:
        path = capture.path
        return path.startswith("/p/order/index") or path.rstrip("/") == "/p/order" or path.endswith("orderList.htm")

    def matches_dom(self, soup: BeautifulSoup) -> bool:
        return soup.find(class_="order-item") is not None or soup.find(class_="order-item-wraper") is not None

    def parse(self, soup, capture: Capture, page: Page) -> None:
        if soup is None:
            return
        ctx = _Ctx(capture)
        for card in soup.find_all(class_="order-item"):
            order = _card(card, ctx)
            if order is None:
                page.warnings.append("an order card without an order id was skipped")
            else:
                page.orders.append(order)
        for row in soup.find_all(class_="order-item-wraper"):  # sic: the old page's spelling
            order = _legacy_card(row, ctx)
            if order:
                page.orders.append(order)
        for script in soup.find_all("script"):
            body = script.string or ""
            if EMBED_MARKER in body:
                embedded = _embedded_json(body)
                if embedded is None:
                    page.warnings.append("the embedded order JSON could not be read")
                else:
                    page.orders.extend(list_json.read(embedded, ctx))


class _Ctx:
    def __init__(self, capture: Capture):
        self.now = capture.captured_at
        self.order_id = None


def _card(card: Tag, ctx) -> Order | None:
    header = card.find(class_="order-item-header") or card
    order_id = order_id_from_hrefs(card)
    if not order_id:
        match = _ID_LABEL.search(text_of(header))
        order_id = match.group(1) if match else None
    if not order_id:
        return None
    status_node = card.find(attrs={"data-pl": "order_item_header_status"}) or card.find(
        class_="order-item-header-status-text"
    ) or card.find(class_="order-item-header-status")
    status_text = text_of(status_node)
    order = Order(order_id=order_id, status=vocabulary.status_from_text(status_text), status_text=status_text)
    info = card.find(class_="order-item-header-right-info") or header
    for line in info.find_all("div") or [info]:
        # The id line holds 16 digits that no date pattern should see.
        text = re.sub(r"\d{12,20}", " ", text_of(line))
        day = dates.parse_date(text, ctx.now)
        if day:
            order.ordered_on = day
            break
    for button in card.select(".order-item-btns a, .order-item-btns button, a.order-item-btn, button.order-item-btn"):
        kind = vocabulary.button_kind(text_of(button))
        if "/p/tracking/" in (button.get("href") or ""):
            kind = "tracking"
        if kind and kind not in order.buttons:
            order.buttons.append(kind)
    order.has_tracking_link = "tracking" in order.buttons or card.find("a", href=re.compile(r"/p/tracking/|logisticsdetail")) is not None
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


def _embedded_json(script: str):
    """The object handed to ``__INIT_DATA_CALLBACK__`` (a call or an assignment, either way)."""
    start = script.find("{", script.find(EMBED_MARKER))
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(script, start)
    except ValueError:
        return None
    return value
