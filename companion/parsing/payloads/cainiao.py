"""Cainiao's public ``global.cainiao.com/global/detail.json`` (carriers.md §4, S3/S6): parcels by
number, with the Korean last-mile carrier (``destCpInfo``) and its number (``realMailNo``)."""

from __future__ import annotations

import re
from datetime import timedelta
from datetime import timezone

from companion import dates
from companion.models import Event
from companion.models import Order
from companion.models import Parcel
from companion.parsing import vocabulary
from companion.parsing.payloads._shape import as_list
from companion.parsing.payloads._shape import as_text
from companion.parsing.payloads._shape import dig


def looks_like(body) -> bool:
    modules = dig(body, "module")
    return isinstance(modules, list) and any(isinstance(m, dict) and "mailNo" in m for m in modules)


def read(body, ctx) -> list[Order]:
    """Cainiao knows numbers, not orders: one id-less order holding every parcel it returned."""
    order = Order(order_id="")
    for module in as_list(dig(body, "module")):
        if not isinstance(module, dict) or not as_text(module.get("mailNo")):
            continue
        parcel = Parcel(
            tracking_number=as_text(module.get("mailNo")).upper(),
            carrier_name=as_text(dig(module, "destCpInfo", "cpName")) or None,
            domestic_number=(as_text(module.get("realMailNo")) or as_text(module.get("copyRealMailNo"))).upper() or None,
        )
        parcel.events = [e for e in (_event(d, ctx) for d in as_list(module.get("detailList"))) if e]
        parcel.sort_events()
        order.parcels.append(parcel)
    order.sources.append("Cainiao JSON")
    return [order] if order.parcels else []


def _local_time(detail: dict, ctx):
    """``timeStr`` is wall-clock time in the event's own ``timeZone`` ("GMT+8" in China)."""
    when = dates.parse_datetime(as_text(detail.get("timeStr")), ctx.now)
    match = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?", as_text(detail.get("timeZone")))
    if when is None or match is None:
        return when
    sign = 1 if match.group(1) == "+" else -1
    offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0)) * sign
    return when.replace(tzinfo=timezone(offset)).astimezone(dates.KST)


def _event(detail, ctx) -> Event | None:
    if not isinstance(detail, dict):
        return None
    code = as_text(detail.get("actionCode")) or None
    text = as_text(detail.get("standerdDesc")) or as_text(detail.get("desc"))  # sic: Cainiao's spelling
    when = dates.from_epoch_ms(detail.get("time")) or _local_time(detail, ctx)
    if not (text or code):
        return None
    return Event(time=when, text=text, code=code, milestone=vocabulary.classify_event(code, text))
