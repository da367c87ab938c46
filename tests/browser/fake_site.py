"""A small fake www.aliexpress.com for the browser tests and the screenshots.

It serves, over HTTPS, an order list, order detail and tracking page built the way
docs/facts/aliexpress-pages.md §2.1, §3.1 and §4.1 describe them: the list is a
single-page app rendered from the Ultron JSON embedded as ``window.__INIT_DATA_CALLBACK__``;
"주문 더 보기" POSTs for page 2 to ``mtop.aliexpress.trade.buyer.order.list`` and re-renders the
whole list after 1.5 s (§7); tab switches re-render it too; the tracking page loads
``mtop.ae.ld.querydetail`` through mtop-style JSONP and renders CSS-module classes.

Dates are relative to today (KST) so the companion's diagnosis does not drift with the calendar.
Every page string and id is made here; nothing is fetched.
"""

from __future__ import annotations

import html
import json
import re
import ssl
import subprocess
import threading
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

KST = timezone(timedelta(hours=9))
AE = "https://www.aliexpress.com"
MORE_DELAY_MS = 1500

STATUS = {  # status -> (Korean status text, orderStatus code or None)
    "awaiting_delivery": ("배송 대기 중", "8"),
    "completed": ("완료", "9"),
    "awaiting_shipment": ("발송 대기 중", None),
    "cancelled": ("취소됨", None),
}


@dataclass
class Event:
    code: str
    name: str
    desc: str
    days_ago: float


@dataclass
class FakeOrder:
    order_id: str
    status: str
    title: str
    days_since_order: int
    price_krw: int = 12300
    store: str = "Sigma Tools Store"
    mail_no: str | None = None
    service: str = "AliExpress Selection Standard"
    events: list[Event] = field(default_factory=list)
    cp_name: str | None = None
    domestic_no: str | None = None


def today() -> date:
    return datetime.now(KST).date()


def _ko_date(d: date) -> str:
    return f"{d.year}년 {d.month}월 {d.day}일"


def _krw(n: int) -> str:
    return f"₩{n:,}"


def _when(days_ago: float) -> datetime:
    return (datetime.now(KST) - timedelta(days=days_ago)).replace(second=0, microsecond=0)


ORIGIN_LEG = [
    Event("AE_ORDER_PLACED", "주문 접수", "Your order's been created", 12),
    Event("AE_PICK_UP_SUCCESS", "집화 완료", "Package collected by carrier.", 9),
    Event("AE_LH_DEPART_SUCCESS", "운송 중", "Package leaving origin country/region.", 6),
    Event("AE_LH_ARRIVE_SUCCESS", "운송 중", "Your package arrived at local airport", 3),
]


def _main_orders() -> list[FakeOrder]:
    """§7's shapes, dated relative to today: five on page 1, three behind "주문 더 보기"."""
    return [
        FakeOrder("8215000000000101", "awaiting_delivery", "USB-C 케이블 2m", 12, 4210,
                  mail_no="SWX900000000000000101", events=ORIGIN_LEG[:3]),
        FakeOrder("8215000000000404", "awaiting_delivery", "블루투스 이어폰", 14, 23900,
                  mail_no="SWX900000000000000404",
                  events=ORIGIN_LEG + [Event("AE_CC_IM_START", "통관 시작", "Import customs clearance started", 1.5)]),
        FakeOrder("8215000000000505", "awaiting_delivery", "보조배터리", 16, 31500,
                  mail_no="SWX900000000000000505", cp_name="CJ", domestic_no="561000000505",
                  events=ORIGIN_LEG + [
                      Event("AE_CC_IM_SUCCESS", "통관 완료", "Import customs clearance completed", 2.5),
                      Event("AE_CC_HO_OUT_SUCCESS", "국내 택배사 인계",
                            "Your package will soon be handed over to the domestic courier company.", 2),
                      Event("AE_GTMS_ACCEPT", "국내 택배사 접수", "Collected by destination carrier", 1.5)]),
        FakeOrder("8215000000000707", "completed", "키보드 키캡", 40, 15300, store="Keycap House",
                  mail_no="520000000707", cp_name="Hanjin",
                  events=[Event("AE_GTMS_SIGNED", "배송 완료", "Package delivered.", 20)]),
        FakeOrder("8215000000000808", "awaiting_shipment", "책상 조명", 1, 12700, store="Lamp Co."),
        # page 2
        FakeOrder("8215000000000606", "awaiting_delivery", "카메라 렌즈", 70, 58000,
                  mail_no="SWX900000000000000606",
                  events=ORIGIN_LEG[:2] + [Event("AE_LH_HO_AIRLINE", "운송 중", "Awaiting flight", 60)]),
        FakeOrder("8215000000000909", "cancelled", "휴대폰 케이스", 30, 3900),
        FakeOrder("8215000000000303", "awaiting_delivery", "스티커 세트", 20, 1120,
                  service="Cainiao Super Economy Global", mail_no="LP00900000000303",
                  events=ORIGIN_LEG[:2]),
    ]


XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def _xss_orders() -> list[FakeOrder]:
    """Item and store text holding markup and script; page 2 brings more of it via JSON."""
    return [
        FakeOrder("8215000000001101", "awaiting_delivery", XSS + " 충전기", 10, 9900, store=XSS),
        FakeOrder("8215000000001102", "completed", "\"><svg onload=window.__pwned=3> 마우스", 30, 8800),
        FakeOrder("8215000000001103", "awaiting_delivery", "</script><script>window.__pwned=4</script>", 5, 7700),
    ]


def _fifty_orders() -> list[FakeOrder]:
    kinds = ["awaiting_delivery", "completed", "awaiting_shipment", "awaiting_delivery", "cancelled"]
    return [
        FakeOrder(f"82150000000{n:05d}", kinds[n % len(kinds)], f"테스트 상품 {n}번", 5 + n, 1000 + 137 * n)
        for n in range(1, 51)
    ]


# scenario -> (page-1 orders, page-2 orders)
SCENARIOS = {
    "main": (_main_orders()[:5], _main_orders()[5:]),
    "xss": (_xss_orders()[:2], _xss_orders()[2:]),
    "fifty": (_fifty_orders(), []),
}
ORDERS = {o.order_id: o for first, more in SCENARIOS.values() for o in first + more}


# --- Ultron JSON (§2.2) -------------------------------------------------------------------

def _order_component(o: FakeOrder) -> dict:
    text, code = STATUS[o.status]
    buttons = []
    if o.status == "awaiting_delivery":
        buttons = [{"type": "CONFIRM_GOODS", "text": "수령 확인", "displayType": "primary"},
                   {"type": "TRACKING", "text": "배송 조회", "href": f"{AE}/p/tracking/index.html"}]
    elif o.status in ("completed", "cancelled"):
        buttons = [{"type": "REPURCHASE", "text": "장바구니에 추가"}, {"type": "DELETE", "text": "삭제"}]
    elif o.status == "awaiting_shipment":
        buttons = [{"type": "EDIT_ADDRESS", "text": "주소 변경"}]
    fields = {
        "orderId": o.order_id,
        "orderDateText": _ko_date(today() - timedelta(days=o.days_since_order)),
        "orderDateTitle": "주문일자",
        "statusText": text,
        "storeName": o.store,
        "storePageUrl": "//www.aliexpress.com/store/1101000",
        "totalPriceText": _krw(o.price_krw),
        "orderDetailUrl": f"{AE}/p/order/detail.html",
        "orderDetailText": "상세 정보",
        "buttons": buttons,
        "orderLines": [{"itemTitle": o.title, "quantity": 1, "itemPriceText": _krw(o.price_krw),
                        "itemDetailUrl": "//www.aliexpress.com/item/1005001000000.html",
                        "skuAttrs": [{"name": "색상", "text": "검정"}]}],
        "utParams": {"args": {"orderId": o.order_id, **({"orderStatus": code} if code else {})}},
    }
    return {"tag": "pc_om_list_order", "fields": fields}


def ultron_list(orders: list[FakeOrder], page_index: int, has_more: bool) -> dict:
    bag = {f"pc_om_list_order_{o.order_id}": _order_component(o) for o in orders}
    body_key = f"pc_om_list_body_{page_index}"
    bag[body_key] = {"tag": "pc_om_list_body", "fields": {
        "hasMore": has_more, "hasMoreText": "주문 더 보기", "pageIndex": page_index, "pageSize": 10}}
    return {"api": "mtop.aliexpress.trade.buyer.order.list", "v": "1.0", "ret": ["SUCCESS::调用成功"],
            "data": {"data": bag, "hierarchy": {"structure": {body_key: [f"pc_om_list_order_{o.order_id}" for o in orders]}}}}


def querydetail(o: FakeOrder) -> dict:
    details = []
    for e in sorted(o.events, key=lambda e: e.days_ago):  # newest first
        when = _when(e.days_ago)
        details.append({"time": int(when.timestamp() * 1000), "timeText": when.strftime("%Y-%m-%d %H:%M"),
                        "trackingName": e.name, "trackingDetailDesc": e.desc,
                        "trackingPrimaryCode": e.code, "trackingSecondCode": e.code})
    line = {"mailNo": o.mail_no, "originMailNo": o.mail_no, "blockMailNo": o.mail_no is None,
            "logisticsCarrierName": o.service, "detailList": details}
    if o.cp_name:
        line["logisticsCpInfo"] = {"cpName": o.cp_name, "contactCarrierText": f"{o.cp_name}에 문의",
                                   "infoList": [{"content": o.domestic_no or o.mail_no, "clickDesc": "복사",
                                                 "title": "운송장 번호"}]}
    return {"api": "mtop.ae.ld.querydetail", "v": "1.0", "ret": ["SUCCESS::调用成功"],
            "data": {"module": {"isTrackingV2": True, "trackingDetailLineList": [line] if o.events or o.mail_no else []}}}


# --- pages --------------------------------------------------------------------------------

STYLE = """
body { font: 14px/1.5 "Noto Sans CJK KR", sans-serif; margin: 0; background: #f5f5f5; color: #222; }
.order-wrap { max-width: 860px; margin: 0 auto; padding: 16px; }
.comet-tabs-nav { display: flex; gap: 16px; margin-bottom: 12px; }
.comet-tabs-nav-item { cursor: pointer; padding: 4px 0; }
.comet-tabs-nav-item-active { border-bottom: 2px solid #222; font-weight: 700; }
.order-item { background: #fff; border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
.order-item-header { display: flex; justify-content: space-between; font-size: 13px; color: #666; }
.order-item-header-status-text { font-weight: 700; color: #222; font-size: 15px; }
.order-item-content { display: flex; justify-content: space-between; margin-top: 8px; }
.order-item-content-img { width: 64px; height: 64px; background: #ddd; border-radius: 4px; }
.order-item-content-body { display: flex; gap: 12px; }
.order-item-btn { margin-left: 6px; padding: 4px 12px; border: 1px solid #ccc; border-radius: 16px; background: #fff; font: inherit; color: #222; text-decoration: none; }
.order-more { text-align: center; }
.recommend { margin-top: 24px; color: #666; }
[class*="logistic-info-v2--wrap"] { background: #fff; max-width: 760px; margin: 16px auto; padding: 16px; border-radius: 8px; }
[class*="logistic-info-v2--node--"] { border-left: 2px solid #ddd; padding: 4px 12px; }
[class*="logistic-info-v2--nodeTime"] { color: #888; font-size: 12px; }
.detail-wrap { max-width: 860px; margin: 16px auto; background: #fff; padding: 16px; border-radius: 8px; }
"""

LIST_SCRIPT = r"""
(() => {
  const state = { orders: [], tab: "all", hasMore: false, pageIndex: 1 };
  const list = document.querySelector(".order-content");
  const scenario = new URLSearchParams(location.search).get("scenario") || "main";

  function take(resp) {
    const bag = resp.data.data;
    const structure = resp.data.hierarchy.structure;
    for (const keys of Object.values(structure)) for (const key of keys) state.orders.push(bag[key].fields);
    const body = Object.values(bag).find((c) => c.tag === "pc_om_list_body");
    state.hasMore = body.fields.hasMore;
    state.pageIndex = body.fields.pageIndex;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // One card per order, built the way §2.1 shows it (new nodes on every render, like React).
  function card(f, n) {
    const item = el("div", "order-item");
    const header = el("div", "order-item-header");
    const status = el("div", "order-item-header-status");
    const st = el("span", "order-item-header-status-text", f.statusText);
    st.setAttribute("data-pl", "order_item_header_status");
    status.append(st);
    const right = el("div", "order-item-header-right");
    const info = el("div", "order-item-header-right-info");
    const newLabels = n % 2 === 0;  // half the cards use the 2026-07 labels (§7)
    info.append(el("div", null, (newLabels ? "주문일자:: " : "주문일: ") + f.orderDateText));
    const idRow = el("div", null, (newLabels ? "주문번호:: " : "주문 ID: ") + f.orderId);
    idRow.append(el("span", "copy", " 복사"));
    info.append(idRow);
    const details = el("a", null, f.orderDetailText);
    details.setAttribute("data-pl", "order_item_header_detail");
    details.href = f.orderDetailUrl + "?orderId=" + f.orderId;
    right.append(info, details);
    header.append(status, right);
    const store = el("div", "order-item-store");
    const storeName = el("span", "order-item-store-name");
    const storeLink = el("a");
    storeLink.href = f.storePageUrl;
    storeLink.append(el("span", null, f.storeName));
    storeName.append(storeLink);
    store.append(storeName);
    const content = el("div", "order-item-content");
    const line = f.orderLines[0];
    const body = el("div", "order-item-content-body");
    const img = el("a");
    img.href = line.itemDetailUrl;
    img.append(el("div", "order-item-content-img"));
    const infoBox = el("div", "order-item-content-info");
    const name = el("div", "order-item-content-info-name");
    const nameLink = el("a");
    nameLink.href = line.itemDetailUrl;
    const title = el("span", null, line.itemTitle);
    title.title = line.itemTitle;
    nameLink.append(title);
    name.append(nameLink);
    const sku = el("div", "order-item-content-info-sku", line.skuAttrs.map((a) => a.name + ": " + a.text).join(", "));
    sku.setAttribute("data-pl", "order_item_content_info_sku");
    const number = el("div", "order-item-content-info-number");
    number.append(el("div", null, line.itemPriceText), el("div", "order-item-content-info-number-quantity", "x" + line.quantity));
    infoBox.append(name, sku, number);
    body.append(img, infoBox);
    const opt = el("div", "order-item-content-opt");
    const total = el("span", "order-item-content-opt-price-total");
    total.setAttribute("data-pl", "order_item_content_price_total");
    total.append("합계: ");
    const wrap = el("div", "es--wrap--2p8eS4Q");
    for (const ch of f.totalPriceText) wrap.append(el("span", "es--char--1Z3wUdt", ch));
    total.append(wrap);
    const btnWrap = el("div", "order-item-btns-wrap");
    const btns = el("div", "order-item-btns");
    for (const b of f.buttons) {
      let node;
      if (b.type === "TRACKING") {
        node = el("a", "order-item-btn comet-btn", b.text);
        node.href = b.href + "?tradeOrderId=" + f.orderId;
      } else {
        node = el("button", "order-item-btn comet-btn", b.text);
      }
      btns.append(node);
    }
    btnWrap.append(btns);
    opt.append(total, btnWrap);
    content.append(body, opt);
    item.append(header, store, content);
    return item;
  }

  const TABS = { all: () => true, shipped: (f) => f.utParams.args.orderStatus === "8", completed: (f) => f.utParams.args.orderStatus === "9" };

  function render() {
    const shown = state.orders.filter(TABS[state.tab]);
    for (const old of list.querySelectorAll(".order-item, .order-more")) old.remove();
    list.append(...shown.map(card));
    if (state.hasMore && state.tab === "all") {
      const more = el("div", "order-more");
      more.setAttribute("data-pl", "order_more");
      const button = el("button", "comet-btn comet-btn-large comet-btn-borderless");
      button.append(el("span", null, "주문 더 보기"));
      button.addEventListener("click", loadMore);
      more.append(button);
      list.append(more);
    }
    window.__listRenderedAt = performance.now();
    window.__renders = (window.__renders || 0) + 1;
  }

  function loadMore(event) {
    event.currentTarget.disabled = true;
    setTimeout(async () => {
      const url = "/h5/mtop.aliexpress.trade.buyer.order.list/1.0/?jsv=2.5.1&appKey=24815441&scenario=" + scenario;
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "data=" + encodeURIComponent(JSON.stringify({ pageIndex: state.pageIndex + 1, pageSize: 10, _lang: "ko_KR" })),
      });
      take(await response.json());
      render();
    }, __MORE_DELAY_MS__);
  }

  for (const tab of document.querySelectorAll(".comet-tabs-nav-item")) {
    tab.addEventListener("click", () => {
      for (const t of document.querySelectorAll(".comet-tabs-nav-item")) t.classList.remove("comet-tabs-nav-item-active");
      tab.classList.add("comet-tabs-nav-item-active");
      state.tab = tab.dataset.tab;
      render();
    });
  }

  take(window.__INIT_DATA_CALLBACK__);
  render();
})();
"""


def _shell(title: str, body: str, lang: str = "ko") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _script_json(value) -> str:
    """JSON safe inside <script>: no "</" can close the element early."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def list_page(scenario: str) -> str:
    first, more = SCENARIOS[scenario]
    init = _script_json(ultron_list(first, 1, bool(more)))
    body = f"""
<div id="root"><div class="order-wrap"><div class="order-main"><div class="order-content" data-spm="order_list_main">
  <div class="order-header"><div class="comet-tabs-nav">
    <div class="comet-tabs-nav-item comet-tabs-nav-item-active" data-tab="all">전체 보기</div>
    <div class="comet-tabs-nav-item" data-tab="shipped">처리됨</div>
    <div class="comet-tabs-nav-item" data-tab="completed">완료</div>
  </div></div>
</div></div>
<div class="recommend"><h3>추천 상품</h3><a href="#recommend">더보기</a></div>
</div></div>
<script>window.__INIT_DATA_CALLBACK__ = {init};</script>
<script>{LIST_SCRIPT.replace("__MORE_DELAY_MS__", str(MORE_DELAY_MS))}</script>"""
    return _shell("주문 목록", body)


def detail_page(o: FakeOrder) -> str:
    text, _ = STATUS[o.status]
    last = min(o.events, key=lambda e: e.days_ago) if o.events else None
    track = ""
    if last:
        track = f"""<div class="order-detail-item-track">
  <a class="order-detail-item-track-info track-detail" href="{AE}/p/tracking/index.html?tradeOrderId={o.order_id}">
    <div class="order-detail-item-track-info-title">{html.escape(last.name)}</div>
    <div class="order-detail-item-track-info-desc">{html.escape(last.desc)}</div></a></div>"""
    placed = _ko_date(today() - timedelta(days=o.days_since_order))
    body = f"""
<div id="root"><div class="detail-wrap">
  <div class="order-status"><div class="order-status-content"><div class="order-status-title">{html.escape(text)}</div>
    <div class="order-status-info">주문 상태를 확인해 주세요.</div></div></div>
  <div class="order-detail-info"><div class="order-detail-info-item"><div class="contact-info">홍길동 010-0000-0000 서울시</div></div></div>
  <div class="order-detail-item-store"><span class="store-name">{html.escape(o.store)}</span></div>
  <div class="order-detail-item-content-wrap"><div class="order-detail-item-content-info">
    <div class="item-title"><a href="//www.aliexpress.com/item/1005001000000.html">{html.escape(o.title)}</a></div></div>
    {track}</div>
  <div class="order-detail-order-info">
    <div class="info-row">주문번호: {o.order_id} 복사</div>
    <div class="info-row">주문일: {placed}</div>
  </div>
</div></div>"""
    return _shell("주문 상세", body)


TRACKING_SCRIPT = r"""
(() => {
  const id = new URLSearchParams(location.search).get("tradeOrderId");
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function render(resp) {
    const root = document.getElementById("root");
    const wrap = el("div", "logistic-info-v2--wrap--Qw3rT9a");
    for (const line of resp.data.module.trackingDetailLineList) {
      const carrier = el("div", "logistic-info-v2--carrier--Lm2nB7c");
      carrier.append(el("span", "logistic-info-v2--carrierTitle--Zz81kPq", "배송 방법 "),
                     el("span", "logistic-info-v2--carrierValue--Pp4s1Xd", line.logisticsCarrierName));
      wrap.append(carrier);
      if (line.mailNo) {
        const mail = el("div", "logistic-info-v2--mailNo--7YhG2qA", "운송장 번호 ");
        mail.append(el("span", "logistic-info-v2--mailNoValue--Vb6nM1s", line.mailNo), el("span", null, " 복사"));
        wrap.append(mail);
      }
      const track = el("div", "logistic-info-v2--track--Rt5Yu8w");
      for (const d of line.detailList) {
        const node = el("div", "logistic-info-v2--node--Kj3Hg5f");
        node.append(el("div", "logistic-info-v2--nodeTitle--Ew9Rt2y", d.trackingName),
                    el("div", "logistic-info-v2--nodeDesc--Ui7Op4a", d.trackingDetailDesc),
                    el("div", "logistic-info-v2--nodeTime--Sd2Fg6h", d.timeText));
        track.append(node);
      }
      wrap.append(track);
    }
    root.append(wrap);
  }
  // mtop-style JSONP: define the callback, then append the script that calls it.
  window.mtopjsonp1 = render;
  const script = document.createElement("script");
  script.src = "/h5/mtop.ae.ld.querydetail/1.0/?jsv=2.5.1&appKey=24815441&type=originaljsonp&dataType=originaljsonp&callback=mtopjsonp1&tradeOrderId=" + encodeURIComponent(id);
  setTimeout(() => document.head.append(script), 200);
})();
"""


def tracking_page() -> str:
    return _shell("배송 조회", f'<div id="root"><h2>배송 조회</h2></div><script>{TRACKING_SCRIPT}</script>')


# --- the shared fixtures (tests/fixtures/<kind>/<name>.html + .capture.json) -------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture_names() -> list[str]:
    """"order_list/ko_page1", … for every fixture page of a kind the extension runs on."""
    return sorted(
        str(p.relative_to(FIXTURES).with_suffix("")).removesuffix(".capture")
        for kind in ("order_list", "order_detail", "tracking")
        for p in (FIXTURES / kind).glob("*.capture.json")
        if p.with_name(p.name.replace(".capture.json", ".html")).exists()
    ) if FIXTURES.is_dir() else []


def fixture_capture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.capture.json").read_text(encoding="utf-8"))


def _fixture_file(name: str) -> Path | None:
    path = (FIXTURES / name).resolve()
    return path if path.is_relative_to(FIXTURES) else None


# Makes a static fixture page load its captured payloads the way the real page may (here by
# XMLHttpRequest; the list page uses fetch and the tracking page JSONP), so they reach the
# content script through the MAIN-world hook.
PAYLOAD_LOADER = """<script>
(() => {
  const q = new URLSearchParams(location.search);
  for (const [i, api] of __APIS__.entries()) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", "/h5/" + api + "/1.0/?fixture=" + encodeURIComponent(q.get("fixture")) + "&payload=" + i);
    xhr.send();
  }
})();
</script>"""


def fixture_response(path: str, query: dict):
    base = _fixture_file(query["fixture"])
    if base is None:
        return 404, "not found", "text/plain"
    capture = json.loads(base.with_name(base.name + ".capture.json").read_text(encoding="utf-8"))
    if path.startswith("/h5/"):
        payload = capture["payloads"][int(query.get("payload", "0"))]
        return 200, json.dumps(payload["data"], ensure_ascii=False), "application/json"
    page = base.with_name(base.name + ".html").read_text(encoding="utf-8")
    apis = json.dumps([p["api"] for p in capture["payloads"]])
    loader = PAYLOAD_LOADER.replace("__APIS__", apis)
    return 200, page.replace("</body>", loader + "</body>") if "</body>" in page else page + loader, "text/html"


# --- server -------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output quiet
        pass

    def _send(self, status: int, body: str, kind: str) -> None:
        self.server.served.append(self.path)
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _route(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        path = url.path
        if "fixture" in query:
            return fixture_response(path, query)
        if path == "/p/order/index.html":
            scenario = query.get("scenario", "main")
            if scenario in SCENARIOS:
                return 200, list_page(scenario), "text/html"
        elif path == "/p/order/detail.html" and query.get("orderId") in ORDERS:
            return 200, detail_page(ORDERS[query["orderId"]]), "text/html"
        elif path == "/p/tracking/index.html":
            return 200, tracking_page(), "text/html"
        elif path.startswith("/h5/mtop.ae.ld.querydetail/"):
            order = ORDERS.get(query.get("tradeOrderId", ""))
            callback = query.get("callback", "")
            if order and callback.isidentifier():
                return 200, f"{callback}({json.dumps(querydetail(order), ensure_ascii=False)})", "application/javascript"
        elif path.startswith("/h5/mtop.aliexpress.trade.buyer.order.list/") and self.command == "POST":
            _, more = SCENARIOS.get(query.get("scenario", "main"), ([], []))
            return 200, json.dumps(ultron_list(more, 2, False), ensure_ascii=False), "application/json"
        return 404, "not found", "text/plain"

    def do_GET(self):
        self._send(*self._route())

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._send(*self._route())


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for www/ko.aliexpress.com (Chromium also runs with
    --ignore-certificate-errors, Firefox with acceptInsecureCerts; the certificate only makes the
    TLS handshake possible)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=www.aliexpress.com",
         "-addext", "subjectAltName=DNS:www.aliexpress.com,DNS:ko.aliexpress.com",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class FakeSite:
    """The HTTPS server on 127.0.0.1:<port>; each browser maps www.aliexpress.com onto it."""

    def __init__(self, cert: Path, key: Path):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.served = []  # every path asked for, in order (check-all's visits show here)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def served(self) -> list[str]:
        return self.server.served

    def resolver_rules(self) -> str:
        # Every other host name fails at once: the captured pages name AliExpress's CDNs, whose
        # lookups would otherwise hang until they time out and hold up the page's load event (and
        # in a browser shared by a module, queue behind the last test's). The companion's
        # 127.0.0.1 is excluded (the rule would otherwise match it too).
        return (f"MAP www.aliexpress.com 127.0.0.1:{self.port}, MAP ko.aliexpress.com 127.0.0.1:{self.port}, "
                "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
