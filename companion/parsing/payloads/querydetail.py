"""``mtop.ae.ld.querydetail`` — the tracking page's JSON: one line per parcel, events newest
first. Real sample: `logistics-querydetail.json` of maxwellmezadre/aliexpress-mcp (docs/facts/aliexpress-pages.md)."""

from __future__ import annotations

import re

from companion import dates
from companion.models import Event
from companion.models import Order
from companion.models import Parcel
from companion.numbers import extract
from companion.parsing import vocabulary
from companion.parsing.page_urls import ORDER_ID_IN_HREF
from companion.parsing.payloads._shape import as_list
from companion.parsing.payloads._shape import as_text
from companion.parsing.payloads._shape import dig

_NUMBER = re.compile(r"^[A-Z0-9]{8,30}$")


def looks_like(body) -> bool:
    return isinstance(_module(body).get("trackingDetailLineList"), list)


def _module(body) -> dict:
    for path in (("data", "module"), ("module",), ("data", "data", "module")):
        module = dig(body, *path)
        if isinstance(module, dict):
            return module
    return {}


def read(body, ctx) -> list[Order]:
    """One order (the page's) with a parcel per tracking line."""
    module = _module(body)
    lines = [line for line in as_list(module.get("trackingDetailLineList")) if isinstance(line, dict)]
    order = Order(order_id=ctx.order_id or _order_id(lines) or "")
    order.parcels = [_parcel(line, ctx) for line in lines]
    order.item_title = next(
        (title for line in lines if (title := as_text(dig(line, "packageItemList", 0, "itemTitle")))), None
    )
    for text in as_list(dig(module, "fastDeliveryInfoDTO", "fdContentList")) + [
        as_text(dig(module, "fastDeliveryInfoDTO", "fdContent"))
    ]:
        found = vocabulary.protection_date_text(as_text(text))
        if found:
            order.protection_until = dates.parse_date(found, ctx.now)
            break
    order.sources.append("tracking JSON")
    return [order]


def _order_id(lines: list[dict]) -> str | None:
    """The tracking JSON carries the order id only inside its tips link."""
    for line in lines:
        match = ORDER_ID_IN_HREF.search(as_text(dig(line, "etaInfo", "tipsLink")))
        if match:
            return match.group(1)
    return None


def _parcel(line: dict, ctx) -> Parcel:
    number = extract(as_text(line.get("mailNo")))
    origin = extract(as_text(line.get("originMailNo")))
    cp = line.get("logisticsCpInfo") if isinstance(line.get("logisticsCpInfo"), dict) else {}
    parcel = Parcel(
        tracking_number=number,
        origin_number=origin if origin and origin != number else None,
        number_blocked=bool(line.get("blockMailNo")) and not number,
        service=as_text(line.get("logisticsCarrierName")) or None,
        carrier_name=as_text(cp.get("cpName")) or None,
        domestic_number=_domestic_number(cp, number),
    )
    eta = dates.from_epoch_ms(dig(line, "etaInfo", "endEtaTime"))
    parcel.eta_end = eta.date() if eta else None
    parcel.events = [e for e in (_event(d, ctx) for d in as_list(line.get("detailList"))) if e]
    parcel.sort_events()
    return parcel


def _domestic_number(cp: dict, mail_no: str | None) -> str | None:
    """The last-mile carrier's own number: a copyable ``infoList`` entry that is not a phone.

    For Brazil it sits here (``CNBR…``); for Korea it may instead be ``mailNo`` itself
    (docs/facts/aliexpress-pages.md §4.2), which the caller recognises from the number's format.
    """
    phones = {re.sub(r"\D", "", as_text(p)) for p in as_list(cp.get("cpContactPhoneList"))}
    for info in as_list(cp.get("infoList")):
        # Copyable rows (clickDesc "Copy", clickType 1) hold numbers; others hold hours or links.
        if not isinstance(info, dict) or not (info.get("clickDesc") or info.get("clickType") == 1):
            continue
        content = extract(as_text(info.get("content")))
        if content and _NUMBER.match(content) and content not in phones and content != mail_no:
            return content
    return None


def _event(detail, ctx) -> Event | None:
    if not isinstance(detail, dict):
        return None
    code = as_text(detail.get("trackingSecondCode")) or as_text(detail.get("trackingPrimaryCode")) or None
    title = as_text(detail.get("trackingName"))
    text = as_text(detail.get("trackingDetailDesc")) or title
    # timeText is what the page shows, in the buyer's time zone. Prefer it to the epoch ``time``:
    # in the one real sample the epochs were scrambled by anonymisation while timeText stayed true.
    when = dates.parse_datetime(as_text(detail.get("timeText")), ctx.now) or dates.from_epoch_ms(detail.get("time"))
    if not (text or code):
        return None
    return Event(
        time=when,
        text=text,
        code=code,
        title=title,
        location=as_text(detail.get("detailedLocation")),
        milestone=vocabulary.classify_event(code, text, title),
    )
