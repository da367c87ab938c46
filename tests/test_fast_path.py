"""The fast path gives exactly the slow path's answer (issue: "a benchmark and the fast path").

The fast path reads order lists from lxml's tree instead of BeautifulSoup's, keeps parsed
captures in memory (companion/cache.py), and asks the history store about a page's orders in
one read. None of that may change a single byte of any answer, nor anything the history store
keeps. Checked here: every fixture, the benchmark's generated pages, pages built to trip the
lxml reading, a few hundred hostile pages from the fuzz strategies, and sequences of captures
through two stores side by side. No timings are asserted anywhere (scripts/bench measures).
"""

from __future__ import annotations

import copy
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from companion import cache
from companion import dates
from companion import parsing
from companion.diagnosis import diagnose
from companion.parsing.base import Capture
from companion.store import History
from companion.store import export_history
from tests.conftest import FIXTURES

pytestmark = [  # the hostile pages make BeautifulSoup and Hypothesis talk
    pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning"),
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]

CAPTURES = sorted(FIXTURES.glob("*/*.capture.json"))
LIST_URL = "https://www.aliexpress.com/p/order/index.html"
NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")


def name_of(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.capture.json')}"


def capture_of(path: Path) -> Capture:
    meta = json.loads(path.read_text(encoding="utf-8"))
    page = path.with_name(path.name.replace(".capture.json", ".html"))
    return Capture(
        url=meta["url"],
        html=page.read_text(encoding="utf-8") if page.exists() else None,
        payloads=meta["payloads"],
        captured_at=dates.parse_iso(meta["captured_at"]),
        lang=meta.get("lang", "ko"),
    )


def both(capture: Capture, **kwargs) -> tuple[dict, dict]:
    """(fast answer, slow answer) for fresh copies of ``capture``."""
    return (
        diagnose(copy.deepcopy(capture), fast=True, **kwargs),
        diagnose(copy.deepcopy(capture), fast=False, **kwargs),
    )


def same_parse(capture: Capture) -> None:
    fast = parsing.parse(copy.deepcopy(capture), fast=True)
    slow = parsing.parse(copy.deepcopy(capture), fast=False)
    assert fast == slow


def took_fast_path(capture: Capture) -> bool:
    return parsing._parse_list_fast(copy.deepcopy(capture)) is not None


PAGES = cache.ParseCache()


@pytest.fixture(autouse=True)
def empty_cache():
    PAGES.clear()
    yield
    PAGES.clear()


# --- every fixture ------------------------------------------------------------------------


@pytest.mark.parametrize("path", CAPTURES, ids=name_of)
def test_every_fixture_gives_the_same_json_both_ways(path):
    capture = capture_of(path)
    same_parse(capture)
    fast, slow = both(capture)
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)
    again = diagnose(copy.deepcopy(capture), fast=True)  # from the parse cache this time
    assert json.dumps(again, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)


def test_the_order_lists_with_html_take_the_fast_path():
    lists = [p for p in CAPTURES if p.parent.name == "order_list" and p.with_name(p.name.replace(".capture.json", ".html")).exists()]
    assert lists and all(took_fast_path(capture_of(p)) for p in lists)
    assert not any(took_fast_path(capture_of(p)) for p in CAPTURES if p.parent.name != "order_list")


def test_a_saved_list_without_its_url_is_recognised_by_its_cards():
    capture = capture_of(FIXTURES / "order_list" / "ko_page1.capture.json")
    capture.url = ""
    assert took_fast_path(capture)
    same_parse(capture)


# --- the benchmark's pages -----------------------------------------------------------------


@pytest.mark.parametrize("orders", [10, 50])
def test_the_benchmark_pages_give_the_same_json_both_ways(orders):
    from bench import pages

    template = pages.list_page(orders)
    for with_payloads in (False, True):
        body = template.capture("123456", payloads=with_payloads)
        capture = Capture(url=body["url"], html=body["html"], payloads=body.get("payloads", []),
                          captured_at=dates.parse_iso(body["captured_at"]), lang=body["lang"])
        assert took_fast_path(capture)
        fast, slow = both(capture)
        assert len(fast["orders"]) == orders
        assert fast == slow
    tracking = pages.tracking_page().capture("123456")
    capture = Capture(url=tracking["url"], html=tracking["html"], payloads=tracking["payloads"],
                      captured_at=dates.parse_iso(tracking["captured_at"]))
    assert both(capture)[0] == both(capture)[1]


def test_the_extension_capture_says_what_the_whole_page_says():
    from bench import pages

    template = pages.list_page(10)
    body = template.capture("123456")
    whole = Capture(url=body["url"], html=body["html"], captured_at=NOW)
    part = Capture(url=body["url"], html=pages.extension_html(body["html"]), captured_at=NOW)
    assert len(part.html) < len(whole.html) / 2
    assert diagnose(whole) == diagnose(part)


# --- pages built to trip the lxml reading -----------------------------------------------------

PAGE1 = (FIXTURES / "order_list" / "ko_page1.html").read_text(encoding="utf-8")
CARD = '<div class="order-item">'
DETAIL_LINK = '<a data-pl="order_item_header_detail" href="https://www.aliexpress.com/p/order/detail.html?orderId='

VARIANTS = {
    # text the two readings could split or join differently
    "comment in the status": lambda p: p.replace("배송 대기 중</span>", "배송<!-- x --> 대기<!--y-->중</span>", 1),
    "ruby and script in the status": lambda p: p.replace("배송 대기 중</span>", "배송 <ruby>대기<rt>daegi</rt><rp>(</rp></ruby> 중<script>x=1</script><style>a{}</style></span>", 1),
    "entities and nbsp": lambda p: p.replace("배송 대기 중</span>", "배송&nbsp;대기&#12288;중 &amp; &lt;b&gt;</span>", 1),
    "processing instruction": lambda p: p.replace("배송 대기 중</span>", "배송 <?php x ?>대기 중</span>", 1),
    # classes the two readings could split differently
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
    "card in a template": lambda p: p.replace(CARD, "<template>" + CARD, 1),
    "iframe in a card": lambda p: p.replace(DETAIL_LINK, "<iframe src=x>y</iframe>" + DETAIL_LINK, 1),
    "old table row too": lambda p: p.replace(CARD, '<div class="order-item-wraper"><div class="order-status">x</div></div>' + CARD, 1),
    "second embedded script": lambda p: p.replace("</body>", "<script>window.__INIT_DATA_CALLBACK__({broken</script></body>"),
    "embedded script in a card": lambda p: p.replace(DETAIL_LINK, "<script>window.__INIT_DATA_CALLBACK__({})</script>" + DETAIL_LINK, 1),
    "byte-order mark": lambda p: "\ufeff" + p,
    "no doctype, no html": lambda p: p[p.index("<body"):],
    "unclosed cards": lambda p: p.replace("</div>\n<div class=\"order-item\">", "\n<div class=\"order-item\">"),
}


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
@pytest.mark.parametrize("url", [LIST_URL, ""], ids=["url", "no-url"])
def test_pages_built_to_trip_the_lxml_reading(variant, url):
    html = VARIANTS[variant](PAGE1)
    assert html != PAGE1, "the variant no longer changes the fixture; update it"
    capture = Capture(url=url, html=html, captured_at=NOW)
    same_parse(capture)
    fast, slow = both(capture)
    assert fast == slow


# --- hostile pages (the fuzz strategies) ---------------------------------------------------


def _read_the_same(html: str) -> None:
    for url in (LIST_URL, ""):
        capture = Capture(url=url, html=html, captured_at=NOW)
        try:
            slow = parsing.parse(copy.deepcopy(capture), fast=False)
        except RecursionError:  # BeautifulSoup's own limit on absurd nesting: nothing to compare
            return
        assert parsing.parse(copy.deepcopy(capture), fast=True) == slow


def _examples(count: int):
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=os.environ.get("CI") == "true",
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def test_hostile_pages_read_the_same_both_ways():
    """The fuzz tests' hostile pages, less their deep nesting: thousands of nested cards make the
    BeautifulSoup reading quadratic (minutes per page); the depth where the readings part is
    checked below instead."""
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
    _examples(120)(given(html=pages)(_read_the_same))()


@pytest.mark.parametrize("depth", [200, 249, 250, 251, 252, 253, 300])
def test_where_libxml2_stops_nesting_the_readings_still_agree(depth):
    card = '<div class="order-item"><a href="/p/order/detail.html?orderId=8215000000000404">x</a></div>'
    html = "<html><body>" + "<div>" * depth + card + "</div>" * depth + card.replace("0404", "0505") + "</body></html>"
    _read_the_same(html)
    # html, body, the divs, the card, its link: the tree is read only while it stays under 255 levels
    assert took_fast_path(Capture(url=LIST_URL, html=html, captured_at=NOW)) == (depth + 4 < 255)


def test_generated_order_lists_read_the_same_both_ways():
    from hypothesis import strategies as st

    from tests.test_fuzz import html_trees
    from tests.test_fuzz import init_data_scripts
    from tests.test_fuzz import order_cards

    lists = st.builds(
        lambda cards, noise, script, wrap: "<html><body>" + wrap.format("".join(cards) + noise) + script + "</body></html>",
        st.lists(order_cards(), min_size=1, max_size=5),
        html_trees,
        st.sampled_from([""]) | init_data_scripts(),
        st.sampled_from(["{}", '<div class="order-content">{}</div>', '<div class="order-item-btns">{}</div>', "<template>{}</template>", "<ul><li>{}"]),
    )
    _examples(150)(given(html=lists)(_read_the_same))()


# --- the parse cache -------------------------------------------------------------------------


def test_a_repeat_is_parsed_once_and_its_copy_is_its_own():
    capture = capture_of(FIXTURES / "order_list" / "ko_page2.capture.json")
    first = PAGES.parse(copy.deepcopy(capture), parsing.parse)
    first.orders[0].sources.append("changed by the diagnosis")
    first.orders.pop()
    hits = PAGES.hits
    second = PAGES.parse(copy.deepcopy(capture), parsing.parse)
    assert PAGES.hits == hits + 1
    assert second == parsing.parse(copy.deepcopy(capture), fast=False)


def test_the_cache_key_is_what_the_parse_reads():
    base = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
    later_that_day = copy.deepcopy(base)
    later_that_day.captured_at = base.captured_at + timedelta(hours=5)
    assert cache.key(later_that_day) == cache.key(base)
    assert parsing.parse(copy.deepcopy(later_that_day)) == parsing.parse(copy.deepcopy(base))
    for change in (
        lambda c: setattr(c, "captured_at", c.captured_at + timedelta(days=1)),
        lambda c: setattr(c, "url", c.url + "&x=1"),
        lambda c: setattr(c, "html", c.html + " "),
        lambda c: setattr(c, "html", None),
        lambda c: c.payloads[0]["data"].update(extra=1),
        lambda c: setattr(c, "payloads", []),
    ):
        other = copy.deepcopy(base)
        change(other)
        assert cache.key(other) != cache.key(base)


def test_the_cache_is_bounded():
    small = cache.ParseCache(max_entries=3, max_bytes=10**9)
    for hour in range(8):
        capture = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
        capture.captured_at += timedelta(days=hour)
        small.parse(capture, parsing.parse)
    assert len(small) == 3
    tiny = cache.ParseCache(max_entries=100, max_bytes=20_000)
    for path in CAPTURES:
        tiny.parse(capture_of(path), parsing.parse)
    assert 0 < tiny.size_bytes <= 20_000


# --- with the history store ----------------------------------------------------------------


def test_two_stores_fed_the_same_captures_agree_step_by_step(tmp_path):
    """What "check all" and a re-render do: tracking pages, the lists, repeats, later captures."""
    fast_store = History(tmp_path / "fast.sqlite3", retention_days=365)
    slow_store = History(tmp_path / "slow.sqlite3", retention_days=365)
    tracking = [p for p in CAPTURES if p.parent.name == "tracking"]
    lists = [p for p in CAPTURES if p.parent.name == "order_list"]
    steps = [*lists, *tracking[:5], *lists, *tracking, *lists, *lists]
    for number, path in enumerate(steps):
        capture = capture_of(path)
        capture.captured_at += timedelta(hours=number // 6)  # repeats, then later the same day, then days later
        if number > 40:
            capture.captured_at += timedelta(days=number - 40)
        fast, slow = diagnose(copy.deepcopy(capture), store=fast_store, fast=True), diagnose(copy.deepcopy(capture), store=slow_store, fast=False)
        assert fast == slow, name_of(path)
        assert export_history(fast_store)["tables"] == export_history(slow_store)["tables"], name_of(path)
    fast_store.forget("8215000000000404")
    slow_store.forget("8215000000000404")
    capture = capture_of(FIXTURES / "order_list" / "ko_page2.capture.json")
    assert diagnose(copy.deepcopy(capture), store=fast_store, fast=True) == diagnose(copy.deepcopy(capture), store=slow_store, fast=False)
    assert export_history(fast_store)["tables"] == export_history(slow_store)["tables"]


