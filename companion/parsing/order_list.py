"""The order list, ``/p/order/index.html``: one ``.order-item`` card per order (2023–2026 DOM,
aliexpress-pages.md §2.1), the page-1 JSON embedded as ``window.__INIT_DATA_CALLBACK__``, and
the pre-2022 ``orderList.htm`` table (§5)."""

from __future__ import annotations

import itertools
import json
import re

from bs4 import BeautifulSoup
from bs4 import Tag
from lxml import etree

from companion import dates
from companion.models import Order
from companion.models import Page
from companion.parsing import vocabulary
from companion.parsing.base import ORDER_ID_IN_HREF
from companion.parsing.base import Capture
from companion.parsing.base import PageParser
from companion.parsing.base import order_id_from_hrefs
from companion.parsing.base import text_of
from companion.parsing.payloads import order_list as list_json

EMBED_MARKER = "__INIT_DATA_CALLBACK__"
_INFO_LINES = 12
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
            if card.find_parent(class_="order-item") is not None:
                continue  # a card inside a card is no real page's: read only the outer one
            order = _card(card, ctx)
            if order is None:
                page.warnings.append("an order card without an order id was skipped")
            else:
                page.orders.append(order)
        for row in soup.find_all(class_="order-item-wraper"):  # sic: the old page's spelling
            order = _legacy_card(row, ctx)
            if order:
                page.orders.append(order)
        _read_embedded((script.string or "" for script in soup.find_all("script")), ctx, page)


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
    # The header info holds two lines (date and id); a dozen is plenty and bounds a hostile page.
    for line in info.find_all("div", limit=_INFO_LINES) or [info]:
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


# -- the fast path: the same reading over lxml's own tree -------------------------------------
#
# ``parse`` above walks BeautifulSoup's tree, which costs a Python object per element: on a
# 50-order page with its usual noise that alone is several times the whole diagnosis budget.
# ``parse_tree`` reads the same facts from the tree lxml builds in C (the same libxml2 parse that
# BeautifulSoup's "lxml" builder drives), touching only the order cards. It mirrors ``parse``,
# ``_card`` and ``text_of`` step by step and must give exactly the same orders:
# tests/test_fast_path.py holds the two to that on every fixture and on generated pages. What it
# does not mirror (the pre-2022 table, ``<template>``/``<iframe>`` inside a card) raises
# :class:`Unsupported`, and the caller reads the page with BeautifulSoup instead.


class Unsupported(Exception):
    """The page holds something only the BeautifulSoup reading handles exactly."""


# BeautifulSoup keeps the strings inside these out of get_text() (they become Script,
# Stylesheet, TemplateString, RubyTextString, RubyParenthesisString); so does _words.
_NOT_TEXT = frozenset({"script", "style", "template", "rt", "rp"})
_TRACKING_HREF = re.compile(r"/p/tracking/|logisticsdetail")
_ELEMENTS = etree.Element  # as a tag filter: elements only, no comments or processing instructions


def parse_tree(root, capture: Capture, page: Page) -> None:
    """:meth:`OrderListParser.parse` over an lxml tree (``root`` is its document element)."""
    cards, old_rows = _cards(root)
    if old_rows:
        raise Unsupported("the pre-2022 order table")
    ctx = _Ctx(capture)
    for card in cards:
        order = _card_tree(card, ctx)
        if order is None:
            page.warnings.append("an order card without an order id was skipped")
        else:
            page.orders.append(order)
    _read_embedded((script.text or "" for script in root.iter("script")), ctx, page)


def dom_matches(root) -> bool:
    """:meth:`OrderListParser.matches_dom` over an lxml tree."""
    cards, old_rows = _cards(root)
    return bool(cards or old_rows)


def _cards(root) -> tuple[list, list]:
    """``soup.find_all(class_="order-item")`` and ``(class_="order-item-wraper")``, in one pass.

    A plain walk with ``get("class")`` costs less than any XPath test of the class, and splits
    the value exactly as BeautifulSoup does (on any Unicode whitespace)."""
    cards, old_rows = [], []
    for node in root.iter(_ELEMENTS):
        value = node.get("class")
        if value and "order-item" in value:
            classes = value.split()
            if "order-item" in classes and not any(
                "order-item" in (above.get("class") or "").split() for above in node.iterancestors()
            ):
                cards.append(node)
            if "order-item-wraper" in classes:
                old_rows.append(node)
    return cards, old_rows


def _card_tree(card, ctx) -> Order | None:
    """:func:`_card`, line for line."""
    for node in card.iter("template", "iframe"):
        raise Unsupported(f"a <{node.tag}> in an order card")  # Soup Sieve does not look inside
    for node in card.iterancestors("template"):
        raise Unsupported("an order card inside a <template>")
    header = _first_with_class(card, "order-item-header")
    if header is None:  # not "or": an lxml element without children is false
        header = card
    links = [a for a in card.iterdescendants("a") if a.get("href") is not None]
    order_id = None
    for link in links:
        match = ORDER_ID_IN_HREF.search(link.get("href"))
        if match:
            order_id = match.group(1)
            break
    if not order_id:
        match = _ID_LABEL.search(_text(header))
        order_id = match.group(1) if match else None
    if not order_id:
        return None
    status_node = _first_with_attr(card, "data-pl", "order_item_header_status")
    if status_node is None:
        status_node = _first_with_class(card, "order-item-header-status-text")
    if status_node is None:
        status_node = _first_with_class(card, "order-item-header-status")
    status_text = _text(status_node)
    order = Order(order_id=order_id, status=vocabulary.status_from_text(status_text), status_text=status_text)
    info = _first_with_class(card, "order-item-header-right-info")
    if info is None:
        info = header
    for line in list(itertools.islice(info.iterdescendants("div"), _INFO_LINES)) or [info]:
        # The id line holds 16 digits that no date pattern should see.
        text = re.sub(r"\d{12,20}", " ", _text(line))
        day = dates.parse_date(text, ctx.now)
        if day:
            order.ordered_on = day
            break
    for button in _buttons(card):
        kind = vocabulary.button_kind(_text(button))
        if "/p/tracking/" in (button.get("href") or ""):
            kind = "tracking"
        if kind and kind not in order.buttons:
            order.buttons.append(kind)
    order.has_tracking_link = "tracking" in order.buttons or any(_TRACKING_HREF.search(a.get("href")) for a in links)
    if order.status == "unknown":
        order.status = vocabulary.status_from_buttons(order.buttons)
    order.sources.append("order list page")
    return order


def _has_class(node, name: str) -> bool:
    value = node.get("class")
    return bool(value) and name in value and name in value.split()


def _first_with_class(node, name: str):
    """``node.find(class_=name)``: the first descendant with ``name`` among its classes, or None."""
    for el in node.iterdescendants(_ELEMENTS):
        if _has_class(el, name):
            return el
    return None


def _first_with_attr(node, attr: str, value: str):
    """``node.find(attrs={attr: value})``."""
    for el in node.iterdescendants(_ELEMENTS):
        if el.get(attr) == value:
            return el
    return None


def _buttons(card) -> list:
    """``card.select(".order-item-btns a, .order-item-btns button, a.order-item-btn, button.order-item-btn")``:
    the card's links and buttons that have the class, or sit under an element (in the card or
    anywhere above it: Soup Sieve looks up to the document) with ``order-item-btns``."""
    chosen = []
    above = None  # whether anything above the card has order-item-btns, worked out once
    for node in card.iterdescendants("a", "button"):
        if _has_class(node, "order-item-btn"):
            chosen.append(node)
            continue
        up = node.getparent()
        while up is not card and not _has_class(up, "order-item-btns"):
            up = up.getparent()
        if up is card and not _has_class(card, "order-item-btns"):
            if above is None:
                above = any(_has_class(a, "order-item-btns") for a in card.iterancestors())
            if not above:
                continue
        chosen.append(node)
    return chosen


def _text(node) -> str:
    """:func:`text_of`: every visible string under ``node``, whitespace folded."""
    if node is None:
        return ""
    if node.tag in _NOT_TEXT:
        raise Unsupported(f"text of a <{node.tag}>")
    words: list[str] = []
    _words(node, words)
    return " ".join(words)


def _words(node, words: list[str]) -> None:
    if node.text:
        words.extend(node.text.split())
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _NOT_TEXT:
            _words(child, words)  # comments and processing instructions: only their tails count
        if child.tail:
            words.extend(child.tail.split())
