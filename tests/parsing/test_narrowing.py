"""Each page kind is read once, on BeautifulSoup, building only the parts its parser reads.

The narrowing (companion/parsing/base.py ``Narrowing``) is a saving, never a change: the same
parser given the whole page must read the same orders. Checked on every fixture, on the
benchmark's realistic pages, on pages built to change one detail of a list page, and on the
fuzz tests' hostile pages. The narrowed tree is also the tree bs4 itself builds from the same
events, element by element, and a page's tree is freed as soon as it is read. No timings are
asserted anywhere (scripts/bench measures).
"""

from __future__ import annotations

import copy
import gc
import json
import os
import weakref
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4 import Tag
from bs4.element import XMLAttributeDict
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from companion import dates
from companion import parsing
from companion.diagnosis import diagnose
from companion.models import Page
from companion.parsing.base import Capture
from companion.parsing.base import make_soup
from companion.parsing.base import Narrowing
from companion.parsing.base import _NarrowBuilder
from tests.conftest import FIXTURES

pytestmark = [  # the hostile pages make BeautifulSoup and Hypothesis talk
    pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning"),
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]

PAGES = sorted(p for p in FIXTURES.glob("*/*.capture.json") if p.with_name(p.name.replace(".capture.json", ".html")).exists())
LIST_URL = "https://www.aliexpress.com/p/order/index.html"
TRACKING_URL = "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000404"
NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")


def name_of(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.capture.json')}"


def capture_of(path: Path) -> Capture:
    meta = json.loads(path.read_text(encoding="utf-8"))
    return Capture(
        url=meta["url"],
        html=path.with_name(path.name.replace(".capture.json", ".html")).read_text(encoding="utf-8"),
        captured_at=dates.parse_iso(meta["captured_at"]),
    )


def readings(capture: Capture) -> tuple[Page, Page]:
    """(narrowed, whole): the page as the URL's parser reads it, built narrowed and built whole."""
    parser = parsing._by_url(capture)
    assert parser is not None and parser.narrowing_for(capture) is not None
    narrowed, whole = Page(), Page()
    parser.parse(make_soup(capture.html, parser.narrowing_for(capture)), capture, narrowed)
    parser.parse(make_soup(capture.html), capture, whole)
    return narrowed, whole


def same_reading(capture: Capture) -> None:
    try:
        whole = readings(capture)[1]
    except (UnicodeError, ValueError) as refused:  # lxml refuses some byte soups, both ways
        with pytest.raises(type(refused)):
            readings(capture)
        return
    assert readings(capture)[0] == whole


@pytest.mark.parametrize("path", [p for p in PAGES if p.parent.name != "generic"], ids=name_of)
def test_every_fixture_page_reads_the_same_narrowed(path):
    same_reading(capture_of(path))


def test_the_narrowing_builds_little_of_a_real_page():
    from bench import pages

    for capture, at_most in (
        (Capture(url=LIST_URL, html=pages.list_page(50).page("123456"), captured_at=NOW), 0.25),
        (Capture(url=TRACKING_URL, html=pages.tracking_page().page("123456"), captured_at=NOW), 0.15),
    ):
        parser = parsing._by_url(capture)
        built = len(make_soup(capture.html, parser.narrowing_for(capture)).find_all(True))
        whole = len(make_soup(capture.html).find_all(True))
        assert built < at_most * whole, (parser.kind, built, whole)


@pytest.mark.parametrize("orders", [10, 50])
def test_the_benchmark_pages_read_every_order(orders):
    from bench import pages

    template = pages.list_page(orders)
    for with_payloads in (False, True):
        body = template.capture("123456", payloads=with_payloads)
        capture = Capture(url=body["url"], html=body["html"], payloads=body.get("payloads", []),
                          captured_at=dates.parse_iso(body["captured_at"]))
        same_reading(capture)
        answer = diagnose(copy.deepcopy(capture))
        assert len(answer["orders"]) == orders and answer["warnings"] == []
    tracking = pages.tracking_page().capture("123456")
    capture = Capture(url=tracking["url"], html=tracking["html"], payloads=tracking["payloads"],
                      captured_at=dates.parse_iso(tracking["captured_at"]))
    same_reading(capture)


def test_the_extension_capture_says_what_the_whole_page_says():
    from bench import pages

    # the bench builds the capture from the extension's own selectors (content/selectors.js)
    assert pages.LIST_CONTAINERS[0] == "order-content" and "ship-to--" in pages.TRACKING_PRIVATE
    assert len(pages.TRACKING_BLOCKS) == 4
    template = pages.list_page(10)
    body = template.capture("123456")
    whole = Capture(url=body["url"], html=body["html"], captured_at=NOW)
    part = Capture(url=body["url"], html=pages.extension_html(body["html"]), captured_at=NOW)
    assert len(part.html) < len(whole.html) / 2
    assert diagnose(whole) == diagnose(part)


def test_a_saved_list_without_its_url_is_recognised_by_its_cards():
    with_url = capture_of(FIXTURES / "order_list" / "ko_page1.capture.json")
    without = copy.deepcopy(with_url)
    without.url = ""
    assert parsing.parse(without).orders == parsing.parse(with_url).orders


# --- the narrowed tree is the tree bs4 builds ---------------------------------------------


class _BuiltByBs4(_NarrowBuilder):
    """The same narrowing, its elements and strings made by BeautifulSoup's own tree-building
    calls: the reference the narrowed builder's own Tags are held to."""

    def _open_tag(self, name, attrs):
        self.soup.handle_starttag(name, None, None, XMLAttributeDict(attrs), namespaces=self._namespaces)

    def _close_tag(self, name):
        self.soup.handle_endtag(name)

    def _add_string(self, text):
        self.soup.handle_data(text)
        self.soup.endData()


_LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")


def assert_same_tree(ours: BeautifulSoup, theirs: BeautifulSoup) -> None:
    """Element by element: the same class, the same fields with equal values (links to the same
    places), and no list, dict or set shared between elements that bs4 does not share."""
    mine, bs4s = list(ours.descendants), list(theirs.descendants)
    assert len(mine) == len(bs4s)
    where = {id(ours): "soup", **{id(element): n for n, element in enumerate(mine)}}
    where_bs4 = {id(theirs): "soup", **{id(element): n for n, element in enumerate(bs4s)}}
    assert [where[id(e)] for e in ours.contents] == [where_bs4[id(e)] for e in theirs.contents]
    shared: dict = {}
    for n, (a, b) in enumerate(zip(mine, bs4s)):
        assert type(a) is type(b) and (isinstance(a, Tag) or str(a) == str(b)), n
        assert a.__dict__.keys() == b.__dict__.keys(), (n, a.__dict__.keys() ^ b.__dict__.keys())
        for key, value in a.__dict__.items():
            other = b.__dict__[key]
            if key in _LINKS:
                assert (value is None and other is None) or where[id(value)] == where_bs4[id(other)], (n, key)
            elif key == "contents":
                assert [where[id(e)] for e in value] == [where_bs4[id(e)] for e in other], n
            else:
                assert type(value) is type(other) and value == other, (n, key, value, other)
                if key == "attrs":
                    assert [type(v) for v in value.values()] == [type(v) for v in other.values()], n
            if isinstance(value, (list, dict, set)):
                shared.setdefault(key, ([], []))
                shared[key][0].append(value)
                shared[key][1].append(other)
    for key, (values, others) in shared.items():
        firsts = [next(k for k, v in enumerate(values) if v is value) for value in values]
        firsts_bs4 = [next(k for k, v in enumerate(others) if v is other) for other in others]
        assert firsts == firsts_bs4, f"{key!r} is shared between elements as bs4 does not share it"


def same_tree(capture: Capture) -> None:
    narrowing = parsing._by_url(capture).narrowing_for(capture)
    assert_same_tree(make_soup(capture.html, narrowing), BeautifulSoup(capture.html, builder=_BuiltByBs4(narrowing)))


# Elements whose Tag bs4 makes differently: string containers (their strings' class), <meta>
# (its charset), the whitespace-keeping <pre> and <textarea>, multi-valued attributes.
ODD_ELEMENTS = (
    '<div class="keep">a<script>s=1</script><style>p{}</style><template>t<b>u</b></template>'
    '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
    '<pre>  x  </pre><textarea> y </textarea><a rel="next  nofollow" class=" a  b ">c</a>'
    '<td headers="h1 h2">d</td><form accept-charset="utf-8 euc-kr">e</form><!-- c -->f<?pi x?>g'
    '<script>s=2</script><span>h<svg><path d="M0"/></svg></span></div><div class="keep">second</div>'
)


@pytest.mark.parametrize("path", [p for p in PAGES if p.parent.name != "generic"], ids=name_of)
def test_every_fixture_page_is_built_as_bs4_builds_it(path):
    capture = capture_of(path)
    if parsing._by_url(capture).narrowing_for(capture) is not None:
        same_tree(capture)


def test_the_benchmark_pages_and_odd_elements_are_built_as_bs4_builds_them():
    from bench import pages

    same_tree(Capture(url=LIST_URL, html=pages.list_page(50).page("123456"), captured_at=NOW))
    same_tree(Capture(url=TRACKING_URL, html=pages.tracking_page().page("123456"), captured_at=NOW))
    for variant in VARIANTS.values():
        same_tree(Capture(url=LIST_URL, html=variant(PAGE1), captured_at=NOW))
    keep = Narrowing(keep=lambda name, attrs: attrs.get("class") == "keep")
    html = f"<html><body>{ODD_ELEMENTS}</body></html>"
    ours = make_soup(html, keep)
    assert_same_tree(ours, BeautifulSoup(html, builder=_BuiltByBs4(keep)))
    assert [type(s).__name__ for s in ours.find_all(["script", "style", "template"])[0].contents] == ["Script"]
    assert ours.find("a")["rel"] == ["next", "nofollow"] and ours.find("a")["class"] == ["a", "b"]


def test_a_read_page_is_freed_at_once_not_left_to_the_cycle_collector(monkeypatch):
    """Every element, narrowed or whole, is gone when the reading returns, with the collector
    off: nothing the reading returns holds one, and the tree's links were taken apart."""
    from bench import pages

    alive = []

    def watched(html, narrowing=None):
        soup = make_soup(html, narrowing)
        alive.extend(weakref.ref(element) for element in (soup, *soup.descendants))
        return soup

    monkeypatch.setattr(parsing, "make_soup", watched)
    captures = [capture_of(path) for path in PAGES] + [
        Capture(url=LIST_URL, html=pages.list_page(10).page("123456"), captured_at=NOW),
        Capture(url="", html=PAGE1, captured_at=NOW),  # chosen by its DOM: built whole
    ]
    gc.collect()
    gc.disable()
    try:
        for capture in captures:
            page = parsing.parse(capture)
            assert page.orders or page.loose_numbers, capture.url
            assert [ref for ref in alive if ref() is not None] == [], capture.url
            alive.clear()
    finally:
        gc.enable()


# --- list pages changed in one detail -----------------------------------------------------

PAGE1 = (FIXTURES / "order_list" / "ko_page1.html").read_text(encoding="utf-8")
CARD = '<div class="order-item">'
DETAIL_LINK = '<a data-pl="order_item_header_detail" href="https://www.aliexpress.com/p/order/detail.html?orderId='

VARIANTS = {
    # text split or joined in odd ways
    "comment in the status": lambda p: p.replace("배송 대기 중</span>", "배송<!-- x --> 대기<!--y-->중</span>", 1),
    "ruby and script in the status": lambda p: p.replace("배송 대기 중</span>", "배송 <ruby>대기<rt>daegi</rt><rp>(</rp></ruby> 중<script>x=1</script><style>a{}</style></span>", 1),
    "entities and nbsp": lambda p: p.replace("배송 대기 중</span>", "배송&nbsp;대기&#12288;중 &amp; &lt;b&gt;</span>", 1),
    "processing instruction": lambda p: p.replace("배송 대기 중</span>", "배송 <?php x ?>대기 중</span>", 1),
    # classes split in odd ways
    "nbsp between classes": lambda p: p.replace(CARD, '<div class="x\u00a0order-item">', 1),
    "ideographic space in a class": lambda p: p.replace('class="order-item-header"', 'class="a\u3000order-item-header"', 1),
    "entity space in a class": lambda p: p.replace('class="order-item-btns"', 'class="order-item-btns&#12288;z"', 1),
    "form feed and tabs in classes": lambda p: p.replace(CARD, '<div class="\torder-item\x0cq\n">', 2),
    "upper-case class": lambda p: p.replace(CARD, '<div class="ORDER-ITEM">', 1),
    "extra classes": lambda p: p.replace(CARD, '<div class="order-item order-item-selected">', 1),
    # structure
    "nested card": lambda p: p.replace(CARD, CARD + CARD + "<span>inner</span></div>", 1),
    "card without header": lambda p: p.replace('class="order-item-header"', 'class="order-item-head"'),
    "card without links": lambda p: p.replace("orderId=", "orderid=").replace("tradeOrderId=", "tradeorderid="),
    "no status element": lambda p: p.replace('data-pl="order_item_header_status"', "").replace("order-item-header-status", "s"),
    "childless header": lambda p: p.replace('<div class="order-item-header">', '<div class="order-item-header"></div><div>', 1),
    "buttons outside the btns block": lambda p: p.replace('class="order-item-btns"', 'class="btns"'),
    "card inside a btns block": lambda p: p.replace('<div class="order-content"', '<div class="order-item-btns"><div class="order-content"', 1),
    "a button without the class": lambda p: p.replace("order-item-btn", "x-btn"),
    "empty and missing hrefs": lambda p: p.replace('href="https://www.aliexpress.com/item/', 'data-x="', 3).replace('target="_blank"', 'href=""', 5),
    "template in a card": lambda p: p.replace(DETAIL_LINK, "<template><b>t</b></template>" + DETAIL_LINK, 1),
    "iframe in a card": lambda p: p.replace(DETAIL_LINK, "<iframe src=x>y</iframe>" + DETAIL_LINK, 1),
    "old table row too": lambda p: p.replace(CARD, '<div class="order-item-wraper"><div class="order-status">x</div></div>' + CARD, 1),
    "second embedded script": lambda p: p.replace("</body>", "<script>window.__INIT_DATA_CALLBACK__({broken</script></body>"),
    "embedded script in a card": lambda p: p.replace(DETAIL_LINK, "<script>window.__INIT_DATA_CALLBACK__({})</script>" + DETAIL_LINK, 1),
    "byte-order mark": lambda p: "\ufeff" + p,
    "no doctype, no html": lambda p: p[p.index("<body"):],
    "unclosed cards": lambda p: p.replace("</div>\n<div class=\"order-item\">", "\n<div class=\"order-item\">"),
}


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
def test_list_pages_changed_in_one_detail_read_the_same_narrowed(variant):
    html = VARIANTS[variant](PAGE1)
    assert html != PAGE1, "the variant no longer changes the fixture; update it"
    same_reading(Capture(url=LIST_URL, html=html, captured_at=NOW))


def test_what_follows_an_unclosed_template_is_inert():
    """A ``<template>`` is never shown: the cards after an unclosed one are not the page's
    (the whole reading would find them, but their text is inert template text there)."""
    html = PAGE1.replace(CARD, "<template>" + CARD, 1)
    page = parsing.parse(Capture(url=LIST_URL, html=html, captured_at=NOW))
    assert page.orders and all(order.sources == ["order list JSON"] for order in page.orders)


def test_a_card_below_libxml2s_nesting_limit_is_still_read():
    """libxml2's tree stops at 256 levels; BeautifulSoup, fed the parse as events, goes on."""
    card = '<div class="order-item"><a href="/p/order/detail.html?orderId=8215000000000404">x</a></div>'
    html = "<html><body>" + "<div>" * 300 + card + "</div>" * 300 + card.replace("0404", "0505") + "</body></html>"
    capture = Capture(url=LIST_URL, html=html, captured_at=NOW)
    same_reading(capture)
    assert [o.order_id for o in parsing.parse(capture).orders] == ["8215000000000404", "8215000000000505"]


# --- hostile pages (the fuzz strategies) ---------------------------------------------------


def _read_the_same(html: str) -> None:
    """On a list page, what the narrowing leaves out is never read. (A tracking page's reading
    reads only its panels by design: words elsewhere on a hostile page are not its own.)"""
    try:
        same_reading(Capture(url=LIST_URL, html=html, captured_at=NOW))
    except RecursionError:  # BeautifulSoup's own limit on absurd nesting: nothing to compare
        return


def _examples(count: int):
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def test_hostile_pages_read_the_same_narrowed():
    from hypothesis import strategies as st

    from tests import test_fuzz as fuzz

    bodies = st.one_of(
        fuzz.html_trees, st.lists(fuzz.order_cards(), min_size=1, max_size=4).map("".join),
        st.lists(fuzz.legacy_rows(), min_size=1, max_size=3).map("".join), fuzz.init_data_scripts(),
        fuzz.tracking_doms(), fuzz.broken_encodings(), fuzz.texts,
    )
    pages = st.builds(
        lambda head, parts, tail: head + "<html><body>" + "".join(parts) + tail,
        st.sampled_from(["", "<!DOCTYPE html>", '<?xml version="1.0" encoding="evil"?>', "\ufeff", '<meta charset="euc-kr">']),
        st.lists(bodies, min_size=1, max_size=3),
        st.sampled_from(["</body></html>", "", "</html></body>", "<"]),
    )
    _examples(80)(given(html=pages)(_read_the_same))()
