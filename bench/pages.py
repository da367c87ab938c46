"""Realistic AliExpress pages for the benchmark: Korean order lists of any size and a tracking page.

The order cards, the Ultron JSON components and the tracking panel are rendered by the fixture
generator (``tests/fixtures/make_fixtures.py``), so the benchmark reads the same §2.1 / §4.1 DOM
the parser tests read. Around them goes the noise of a real page, which the fixtures keep small:
head scripts (page config, an i18n bundle, a runtime), a stylesheet, an SVG sprite, two
recommendation blocks with many product cards (prices in ``es--char`` spans, like the orders),
the chat overlay, a long footer and an inline JSON state (``window.runParams``). A 50-order page
is about 400 KB, as a real one is.

Order ids are ``8215`` + a 6-digit run prefix + a 6-digit sequence number. A page is rendered
once as a template with :data:`RUN_TOKEN` where the prefix goes; :meth:`ListPage.capture` swaps in
a prefix, so every "cold" request carries ids the companion has never seen, at no rendering cost.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from companion.parsing.order_list import unread_in_card
from tests.fixtures import make_fixtures as mf

RUN_TOKEN = "RUNPFX"  # as long as the 6-digit prefix that replaces it, so sizes do not change
CAPTURED_AT = mf.CAPTURED_AT
LIST_URL = mf.LIST_URL
EMBED_MARKER = "__INIT_DATA_CALLBACK__"
PAGE_SIZE = 10  # orders per list request (docs/facts/aliexpress-pages.md §0: pageSize is 10)


@dataclass(frozen=True)
class BenchOrder(mf.OrderSpec):
    """An :class:`OrderSpec` whose id is given instead of derived from the fixture suffix."""

    oid: str = ""

    @property
    def order_id(self) -> str:
        return self.oid


def order_id(prefix: str, seq: int) -> str:
    """A 16-digit order id: 8215 + run prefix (6) + sequence (6)."""
    return f"8215{prefix}{seq:06d}"


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------
PRODUCTS = (  # (Korean title, English title, (attr ko, value ko), (attr en, value en), price in won)
    ("USB-C 고속 충전 케이블 2m 100W PD", "USB-C Fast Charging Cable 2m 100W PD", ("색상", "검정"), ("Color", "Black"), 2100),
    ("무선 마우스 2.4G 저소음", "2.4G Silent Wireless Mouse", ("색상", "회색"), ("Color", "Gray"), 9800),
    ("방수 스티커 세트 50매", "Waterproof Sticker Set 50 pcs", ("종류", "랜덤"), ("Style", "Random"), 1120),
    ("블루투스 이어폰 5.3 노이즈 캔슬링", "Bluetooth 5.3 Noise Cancelling Earbuds", ("색상", "흰색"), ("Color", "White"), 23900),
    ("보조배터리 20000mAh 22.5W", "Power Bank 20000mAh 22.5W", ("색상", "검정"), ("Color", "Black"), 27800),
    ("카메라 렌즈 50mm F1.8", "50mm F1.8 Camera Lens", ("마운트", "E"), ("Mount", "E"), 58000),
    ("키보드 키캡 PBT 129키", "PBT Keycap Set 129 Keys", ("색상", "네이비"), ("Color", "Navy"), 15300),
    ("스마트폰 거치대 알루미늄", "Aluminium Phone Stand", ("색상", "실버"), ("Color", "Silver"), 6400),
    ("LED 무드등 USB 충전식", "Rechargeable USB LED Night Light", ("색상", "웜화이트"), ("Color", "Warm white"), 7700),
    ("여행용 파우치 방수 3종", "Waterproof Travel Pouch 3 pcs", ("색상", "민트"), ("Color", "Mint"), 4500),
    ("기계식 키보드 스위치 35개", "Mechanical Switches 35 pcs", ("종류", "적축"), ("Type", "Red"), 12900),
    ("노트북 파우치 14인치", "14-inch Laptop Sleeve", ("색상", "베이지"), ("Color", "Beige"), 11200),
    ("스테인리스 텀블러 600ml", "Stainless Tumbler 600ml", ("색상", "블랙"), ("Color", "Black"), 9300),
    ("고양이 장난감 깃털 낚싯대", "Cat Feather Teaser Wand", ("종류", "5개 세트"), ("Style", "Set of 5"), 3200),
    ("실리콘 주방 집게 2개", "Silicone Kitchen Tongs 2 pcs", ("색상", "그레이"), ("Color", "Gray"), 5100),
    ("자전거 LED 후미등", "Bicycle LED Tail Light", ("종류", "USB"), ("Type", "USB"), 6900),
)
STORES = ("Sigma Tools Store", "Omega Digital Store", "Lima Sticker Store", "Xenon Audio Store",
          "Vega Power Store", "Fenix Optics Store", "Tango Keys Store", "Nova Home Store", "Orbit Outdoor Store")
SERVICES = (mf.SELECTION, mf.SELECTION, mf.SELECTION, "Cainiao Super Economy Global", "AliExpress Standard Shipping")
STATUSES = ("awaiting_delivery",) * 6 + ("completed", "completed", "awaiting_shipment", "cancelled")


def bench_order(seq: int, prefix: str = RUN_TOKEN) -> BenchOrder:
    """The ``seq``-th order of a list page: statuses, line counts and stores vary as on a real account."""
    rnd = random.Random(seq)
    status = STATUSES[seq % len(STATUSES)]
    count = 1 + (seq % 3 == 0) + (seq % 7 == 0)
    lines = []
    for k in range(count):
        title_ko, title_en, sku_ko, sku_en, krw = PRODUCTS[(seq * 5 + k * 3) % len(PRODUCTS)]
        lines.append(mf.Line(title_ko, title_en, sku_ko, sku_en, krw + 10 * rnd.randrange(0, 40), qty=1 + (k == 1)))
    ordered = f"2026-{7 + seq % 3:02d}-{1 + seq % 28:02d}"
    package = mf.Package(SERVICES[seq % len(SERVICES)], ())
    return BenchOrder(
        suffix=f"{seq % 10000:04d}", ordered=ordered, status=status, store=STORES[seq % len(STORES)],
        lines=tuple(lines), packages=(package,), dispute=(seq % 17 == 5 and status == "awaiting_delivery"),
        oid=order_id(prefix, seq),
    )


def list_json(orders: list[BenchOrder], lang: str, page_index: int, has_more: bool) -> dict:
    """One ``mtop.aliexpress.trade.buyer.order.list`` response: the fixtures' builder, any orders."""
    return mf.list_payload_of(orders, lang, page_index, has_more, "2026-09-30 09:58", PAGE_SIZE)


# ---------------------------------------------------------------------------------------------
# Noise: what a real page carries besides the orders
# ---------------------------------------------------------------------------------------------
REC_TITLES = ("고속 무선 충전기 15W", "USB 허브 7포트", "스마트 워치 스트랩", "미니 블루투스 스피커", "차량용 휴대폰 거치대",
              "게이밍 마우스패드 XXL", "접이식 우산 자동", "요가 매트 6mm", "휴대용 선풍기 미니", "전동 칫솔 헤드 8개",
              "방탄 유리 필름 2매", "스마트 전구 Wi-Fi", "에어팟 실리콘 케이스", "캠핑 랜턴 LED", "주방 저울 디지털",
              "수납 박스 접이식", "모니터 받침대 원목", "블루라이트 차단 안경", "러닝 암밴드", "무선 키보드 슬림")


def rec_card(rnd: random.Random, n: int, lang: str, css: mf.Css) -> str:
    """One "추천 상품" card: like the real ones, prices in es-- spans and an /item/ link."""
    pid = f"100500{rnd.randrange(10**9, 10**10)}"
    name = REC_TITLES[n % len(REC_TITLES)] + f" {1 + rnd.randrange(9)}종"
    price = 1000 + 100 * rnd.randrange(10, 400)
    old = price + 100 * rnd.randrange(5, 80)
    sold = f"{rnd.randrange(1, 99)},{rnd.randrange(100, 999)}+"
    stars = "".join(f'<span class="{css("rcmd-card--star")} comet-icon comet-icon-starfilled"></span>' for _ in range(5))
    return f"""    <a class="{css('rcmd-card--card')}" href="{mf.AE}/item/{pid}.html?pdp_npi=4%40dis%21KRW%21{price}%21{old}&amp;spm=a2g0o.order_list.recommend.{n}" target="_blank" data-spm-anchor-id="a2g0o.order_list.recommend.{n}" data-product-id="{pid}">
      <div class="{css('rcmd-card--img')}" style="background-image: url(&quot;{mf.image(pid)}&quot;);"><img class="{css('rcmd-card--imgInner')}" src="{mf.image(pid, 'webp')}" alt="{mf.esc(name)}" loading="lazy"></div>
      <div class="{css('rcmd-card--info')}">
        <div class="{css('rcmd-card--title')}" title="{mf.esc(name)}"><h3>{mf.esc(name)}</h3></div>
        <div class="{css('rcmd-card--priceRow')}"><div class="{css('rcmd-card--price')}">{mf.price_html(mf.money(lang, price, round(price / mf.KRW_PER_USD, 2)), css)}</div><div class="{css('rcmd-card--oldPrice')}">{mf.price_html(mf.money(lang, old, round(old / mf.KRW_PER_USD, 2)), css)}</div></div>
        <div class="{css('rcmd-card--rating')}">{stars}<span class="{css('rcmd-card--sold')}">{sold}{mf.esc(mf.UI[lang]['sold'])}</span></div>
        <div class="{css('rcmd-card--tags')}"><span class="{css('rcmd-card--tag')}">{mf.esc(mf.UI[lang]['tag_free_return'])}</span><span class="{css('rcmd-card--tag')}">{mf.esc(mf.UI[lang]['tag_fast'])}</span></div>
      </div>
    </a>"""


def rec_block(rnd: random.Random, title: str, count: int, lang: str, css: mf.Css, spm: str) -> str:
    cards = "\n".join(rec_card(rnd, n, lang, css) for n in range(count))
    more = mf.esc(f"{mf.AE}/p/calp-plus/index.html?osf=order_list&categoryTab={spm}")
    return f"""<div class="{css('rcmd-list--wrap')}" data-spm="{spm}">
  <div class="{css('rcmd-list--header')}"><h2 class="{css('rcmd-list--title')}">{mf.esc(title)}</h2><a class="{css('rcmd-list--more')}" href="{more}">{mf.esc(mf.UI[lang]['rec_more'])}</a></div>
  <div class="{css('rcmd-list--list')}">
{cards}
  </div>
</div>"""


def i18n_bundle(rnd: random.Random, lang: str) -> str:
    """The translation bundle real pages inline in a <script> (hundreds of keys)."""
    words = ("주문", "배송", "결제", "환불", "쿠폰", "스토어", "상품", "리뷰", "장바구니", "판매자", "문의", "확인", "취소")
    bundle = {f"ae.order.{rnd.randrange(16**6):06x}.{k}": " ".join(rnd.choice(words) for _ in range(1 + k % 6))
              for k in range(500)}
    return "window._dida_config_._i18n = " + json.dumps({lang: bundle}, ensure_ascii=False) + ";"


def runtime_js(rnd: random.Random) -> str:
    """Minified-looking application code (what a bundle snippet inlined in the page looks like)."""
    parts = []
    for k in range(110):
        name = f"_{rnd.randrange(16**5):05x}"
        parts.append(f"function {name}(e,t){{var n=e&&e[{k}]||t;if(!n)return null;"
                     f"for(var r=0;r<n.length;r++){{if(n[r]&&n[r].id==={k})return n[r]}}return n.map?n.map(function(o){{return o&&o.k}}):n}}")
    return "!function(){" + ";".join(parts) + "}();"


def stylesheet(rnd: random.Random, css: mf.Css) -> str:
    rules = []
    for k in range(150):
        block = css(f"block{k % 40}--el{k}")
        rules.append(f".{block}{{display:flex;margin:{k % 9}px {k % 13}px;padding:0 {k % 7}px;"
                     f"color:#{rnd.randrange(16**6):06x};font-size:{11 + k % 6}px;line-height:1.{k % 9}}}")
    return "\n".join(rules)


def svg_sprite(rnd: random.Random) -> str:
    symbols = []
    for k in range(40):
        points = " ".join(f"{rnd.randrange(1024)} {rnd.randrange(1024)}" for _ in range(18))
        symbols.append(f'<symbol id="comet-icon-{k}" viewBox="0 0 1024 1024"><path d="M{points}Z"></path></symbol>')
    return '<svg aria-hidden="true" style="position:absolute;width:0;height:0;overflow:hidden">' + "".join(symbols) + "</svg>"


def run_params(rnd: random.Random) -> str:
    """``window.runParams``: the recommendation and experiment state the page ships inline."""
    items = [{"productId": f"100500{rnd.randrange(10**9, 10**10)}", "title": rnd.choice(REC_TITLES),
              "image": mf.image("rp", k), "price": {"value": 1000 + 100 * rnd.randrange(400), "currency": "KRW"},
              "trace": {"pvid": f"{rnd.randrange(16**12):012x}", "scm": f"1007.{rnd.randrange(10**5)}.{rnd.randrange(10**6)}"},
              "evaluation": {"starRating": round(4 + rnd.random(), 1)}, "sales": rnd.randrange(10, 9999)}
             for k in range(50)]
    state = {"recommend": {"scenario": "pcOrderListRecommend", "items": items},
             "abTest": {f"exp_{k}": f"bucket_{rnd.randrange(9)}" for k in range(60)}}
    return "window.runParams = " + json.dumps(state, ensure_ascii=False) + ";"


def footer(lang: str, css: mf.Css) -> str:
    groups = []
    for g in range(6):
        links = "".join(f'<li><a href="https://service.aliexpress.com/page/knowledge?pageId={g * 100 + k}">'
                        f"{mf.esc(mf.UI[lang]['footer_help'])} {g}.{k}</a></li>" for k in range(14))
        groups.append(f'<div class="{css("pc-footer--group")}"><h4>{g}</h4><ul>{links}</ul></div>')
    return (f'<div class="{css("pc-footer--more")}">' + "".join(groups) + "</div>\n" + mf.site_footer(lang, css))


def document(lang: str, kind: str, page: str, css: mf.Css, main: str, init: dict | None,
             noise: str = "full") -> str:
    """A whole page around ``main``: the fixtures' shell plus the noise of a real page."""
    rnd = random.Random(page)
    head = mf.head(lang, kind, page, init)
    extra_head = (f"<style>\n{stylesheet(rnd, css)}\n</style>\n"
                  f"<script>\nwindow._dida_config_ = window._dida_config_ || {{}};\n{i18n_bundle(rnd, lang)}\n</script>\n"
                  f"<script>\n{runtime_js(rnd)}\n</script>\n")
    head = head.replace("\n</head>", "\n" + extra_head + "</head>")
    nav = mf.account_nav(lang, css) + "\n" if kind != "tracking" else ""
    big = noise == "full"
    recs = (rec_block(rnd, mf.UI[lang]["more_to_love"], 28 if big else 12, lang, css, "recommend") + "\n"
            + rec_block(rnd, "최근 본 상품" if lang == "ko" else "Recently viewed", 12 if big else 6, lang, css, "history"))
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="ltr">
{head}
<body data-spm="{mf.APPS[kind][1]}">
{svg_sprite(rnd)}
{mf.site_header(lang, css)}
<div id="root">
<div class="{css('page-layout--wrap')}">
{nav}{main}
</div>
{recs}
</div>
{mf.chat_dialog(lang)}
{footer(lang, css)}
<script>
{run_params(rnd)}
</script>
<script>
try {{ window.goldlog_queue = window.goldlog_queue || []; window.goldlog_queue.push({{ action: 'goldlog.setPageSPM', arguments: ['a2g0o', '{mf.APPS[kind][1]}'] }}); }} catch (e) {{}}
</script>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------------------------
def list_main(orders: list[BenchOrder], lang: str, css: mf.Css) -> str:
    """The fixtures' list container (§2.1) around any number of cards, all pages loaded."""
    ui = mf.UI[lang]
    tabs = "".join(f'<div class="comet-tabs-nav-item{" comet-tabs-nav-item-active" if k == "tab_all" else ""}">'
                   f"{mf.esc(ui[k])}</div>" for k in ("tab_all", "tab_unpaid", "tab_processing", "tab_shipped", "tab_completed"))
    cards = "\n".join(mf.list_card(o, lang, css, new_labels=(i % 2 == 0), img_list=(i % 9 == 4)) for i, o in enumerate(orders))
    return f"""<div class="order-wrap">
<div class="order-main">
<div class="order-content" data-spm="order_list_main">
<div class="order-header">
  <div class="order-header-title">{mf.esc(ui['list_title'])}</div>
  <div class="comet-tabs"><div class="comet-tabs-nav">{tabs}<a class="comet-tabs-nav-tail" href="{mf.AE}/p/order/index.html?statusTab=recycle">{mf.esc(ui['tab_deleted'])}</a></div></div>
</div>
<div class="order-form">
  <div class="comet-select"><span class="comet-select-selection-item">{mf.esc(ui['search_order'])}</span></div>
  <span class="comet-input-affix-wrapper"><input class="comet-input" placeholder="{mf.esc(ui['search_order_hint'])}" value=""></span>
  <button type="button" class="comet-btn comet-btn-primary"><span>{mf.esc(ui['search_button'])}</span></button>
</div>
{cards}
</div>
</div>
<div class="comet-back-top" style="display: none;"><span>{mf.esc(ui['back_top'])}</span></div>
</div>"""


@dataclass
class ListPage:
    """An order list with every page loaded ("주문 더 보기" clicked until the end): N cards, the
    page-1 JSON embedded; pages 2… also as the mtop responses the extension would have relayed.
    A template: see capture()."""

    orders: int
    lang: str
    html: str  # with RUN_TOKEN where the run prefix goes
    payloads_json: str
    url: str = LIST_URL

    def capture(self, prefix: str, captured_at: str = CAPTURED_AT, payloads: bool = False) -> dict:
        """The ``POST /v1/diagnose`` body with the ids of run ``prefix`` (6 digits): the page as
        saved, or with ``payloads`` also the list responses of pages 2… the extension relays."""
        assert re.fullmatch(r"\d{6}", prefix), prefix
        body = {"url": self.url, "html": self.html.replace(RUN_TOKEN, prefix), "captured_at": captured_at,
                "lang": self.lang}
        if payloads:
            body["payloads"] = json.loads(self.payloads_json.replace(RUN_TOKEN, prefix))
        return body

    def page(self, prefix: str) -> str:
        return self.html.replace(RUN_TOKEN, prefix)


def list_page(orders: int, lang: str = "ko") -> ListPage:
    """A Korean (or English) order list of ``orders`` orders with a real page's noise."""
    specs = [bench_order(seq) for seq in range(orders)]
    css = mf.Css(f"bench/order_list/{orders}")
    first = specs[:PAGE_SIZE]
    init = list_json(first, lang, 1, len(specs) > PAGE_SIZE)
    html = document(lang, "order_list", f"bench/order_list/{orders}", css, list_main(specs, lang, css), init)
    payloads = [{"api": "mtop.aliexpress.trade.buyer.order.list",
                 "data": list_json(specs[start:start + PAGE_SIZE], lang, start // PAGE_SIZE + 1,
                                   start + PAGE_SIZE < len(specs))}
                for start in range(PAGE_SIZE, len(specs), PAGE_SIZE)]
    return ListPage(orders, lang, html, json.dumps(payloads, ensure_ascii=False))


@dataclass
class TrackingPage:
    """The tracking page of one order in import customs (fixture order …0404) with its querydetail."""

    lang: str
    html: str
    payloads_json: str
    url_template: str

    def capture(self, prefix: str, captured_at: str = CAPTURED_AT) -> dict:
        assert re.fullmatch(r"\d{6}", prefix), prefix
        return {"url": self.url_template.replace(RUN_TOKEN, prefix), "html": self.html.replace(RUN_TOKEN, prefix),
                "payloads": json.loads(self.payloads_json.replace(RUN_TOKEN, prefix)),
                "captured_at": captured_at, "lang": self.lang}

    def page(self, prefix: str) -> str:
        return self.html.replace(RUN_TOKEN, prefix)


def tracking_page(lang: str = "ko") -> TrackingPage:
    """Realistic size: the panel with the page's scripts, stylesheet, sprite, recommendation
    blocks and footer around it, as a saved tracking page has them."""
    base = mf.BY_SUFFIX["0404"]
    spec = BenchOrder(**{f: getattr(base, f) for f in mf.OrderSpec.__dataclass_fields__}, oid=order_id(RUN_TOKEN, 404))
    css = mf.Css("bench/tracking")
    main = mf.tracking_main(spec, lang, css, "iso")
    html = document(lang, "tracking", "bench/tracking", css, main, None, noise="full")
    payloads = [{"api": mf.LD_API, "data": mf.querydetail_payload(spec, lang)}]
    return TrackingPage(lang, html, json.dumps(payloads, ensure_ascii=False), mf.TRACK_URL.format(spec.order_id))


# ---------------------------------------------------------------------------------------------
# What the extension sends instead of the whole page (extension/content/capture.js)
# ---------------------------------------------------------------------------------------------
def extension_html(page: str) -> str:
    """The list capture as the extension builds it: a small document holding a copy of the order
    container (the first of ``.order-content``, ``.order-main``, ``.order-wrap`` around the first
    card, else the card's parent) without the parts of its cards the companion never reads
    (``order_list.unread_in_card``: what the extension's ``LIST_UNREAD`` names), and the inline
    ``<script>`` holding ``__INIT_DATA_CALLBACK__``."""
    import copy

    import lxml.html

    root = lxml.html.fromstring(page)
    cards = root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " order-item ")]')
    if not cards:
        return ""
    container = None
    for name in LIST_CONTAINERS:
        found = cards[0].xpath(f'ancestor::*[contains(concat(" ", normalize-space(@class), " "), " {name} ")][1]')
        if found:
            container = found[0]
            break
    container = copy.deepcopy(container if container is not None else cards[0].getparent())
    for card in [e for e in container.iter() if isinstance(e.tag, str) and "order-item" in (e.get("class") or "").split()]:
        for unread in [e for e in card.iter() if e is not card and isinstance(e.tag, str) and unread_in_card(e.get("class") or "")]:
            if unread.getparent() is not None:  # not already gone with an unread part around it
                unread.drop_tree()
    parts = [lxml.html.tostring(container, encoding="unicode", with_tail=False)]
    for script in root.iter("script"):
        if not script.get("src") and EMBED_MARKER in (script.text or ""):
            parts.append(lxml.html.tostring(script, encoding="unicode", with_tail=False))
            break
    return _document(root, parts)


def _document(root, parts: list[str]) -> str:
    lang = root.get("lang")
    return (f'<!DOCTYPE html><html{f" lang={json.dumps(lang)}" if lang else ""}><head></head><body>'
            + "".join(parts) + "</body></html>")


def _selectors() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What extension/content/selectors.js names, read from it so the bench builds the capture the
    extension builds: the list's containers, the tracking panel's blocks and what is removed from them."""
    text = (Path(__file__).resolve().parents[1] / "extension" / "content" / "selectors.js").read_text(encoding="utf-8")
    containers = re.findall(r'"\.([\w-]+)"', re.search(r"containers: \[([^\]]*)\]", text).group(1))
    tracking = text[text.index("tracking: {"):]
    # each entry is '[class*="…"]': the lists end at a "]" of their own line, or before ","
    blocks = re.findall(r'\[class\*="([^"]+)"\]', re.search(r"blocks: \[(.*?)\n\s*\]", tracking, re.S).group(1))
    private = re.findall(r'\[class\*="([^"]+)"\]', re.search(r"private: \[(.*)\],", tracking).group(1))
    return tuple(containers), tuple(blocks), tuple(private)


LIST_CONTAINERS, TRACKING_BLOCKS, TRACKING_PRIVATE = _selectors()


def extension_tracking_html(page: str) -> str:
    """The tracking capture as the extension builds it: the outermost elements of the panel's
    blocks (``[class*="…"]``), without the recipient's block, in a small document."""
    import lxml.html

    root = lxml.html.fromstring(page)

    def matches(element, names) -> bool:
        classes = element.get("class") or ""
        return any(name in classes for name in names)

    found = [e for e in root.iter() if isinstance(e.tag, str) and matches(e, TRACKING_BLOCKS)]
    chosen = set(found)
    outer = [e for e in found if not any(a in chosen for a in e.iterancestors())]
    parts = []
    for element in outer:
        copy = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode", with_tail=False))
        for private in [e for e in copy.iter() if isinstance(e.tag, str) and matches(e, TRACKING_PRIVATE)]:
            if private.getparent() is not None:
                private.getparent().remove(private)
        parts.append(lxml.html.tostring(copy, encoding="unicode", with_tail=False))
    return _document(root, parts)
