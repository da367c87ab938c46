"""Cainiao's public ``global.cainiao.com/global/detail.json`` (docs/facts/carriers.md §4, S3/S6): parcels by
number, with the Korean last-mile carrier (``destCpInfo``) and its number (``realMailNo``)."""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone

from companion import dates
from companion import milestones
from companion.models import Event
from companion.models import Order
from companion.models import Parcel
from companion.numbers import extract
from companion.parsing import vocabulary
from companion.parsing.payloads._shape import as_list
from companion.parsing.payloads._shape import as_text
from companion.parsing.payloads._shape import dig
from companion.scrub import scrub

_CHINA = timezone(timedelta(hours=8))


def looks_like(body) -> bool:
    modules = dig(body, "module")
    return isinstance(modules, list) and any(isinstance(m, dict) and "mailNo" in m for m in modules)


def read(body, ctx) -> list[Order]:
    """Cainiao knows numbers, not orders: one id-less order holding every parcel it returned."""
    order = Order(order_id="")
    for module in as_list(dig(body, "module")):
        number = extract(as_text(module.get("mailNo"))) if isinstance(module, dict) else None
        if number is None:
            continue
        # ``realMailNo`` may carry a label ("Latest Tracking Number:\tRC…"); ``copyRealMailNo``
        # is what the page's copy button copies. Either is taken only as a number.
        domestic = extract(as_text(module.get("copyRealMailNo"))) or extract(as_text(module.get("realMailNo")))
        parcel = Parcel(
            tracking_number=number,
            carrier_name=as_text(dig(module, "destCpInfo", "cpName")) or None,
            domestic_number=domestic if domestic != number else None,
            untracked_note=untracked_note(module),
        )
        parcel.events = [e for e in (_event(d, ctx) for d in as_list(module.get("detailList"))) if e]
        parcel.sort_events()
        order.parcels.append(parcel)
    order.sources.append("Cainiao JSON")
    return [order] if order.parcels else []


def untracked_note(module: dict) -> str | None:
    """Cainiao's own statement that the service's tracking stops (``mailType`` "Economy",
    ``mailTypeDesc`` "… doesn't include tracking after … handed to a destination
    country/region's carrier."), as evidence; None when it says nothing of the kind."""
    kind, desc = as_text(module.get("mailType")).strip(), as_text(module.get("mailTypeDesc")).strip()
    if vocabulary.says_untracked(desc) or milestones.is_untracked_service(kind):
        return " — ".join(part for part in (kind, desc) if part)[:300]
    return None


def _local_time(detail: dict, ctx):
    """``timeStr`` when the epoch ``time`` is missing: wall-clock time in China (GMT+8).

    Not in the event's ``timeZone``: in the real answers of a user's export (issue 9) an event
    marked "GMT+2" or "GMT+3" has a ``timeStr`` eight hours ahead of its epoch ``time``, like
    every other event. ``timeZone`` names where the event happened, not how ``timeStr`` reads.
    """
    return dates.parse_datetime(as_text(detail.get("timeStr")), ctx.now, zone=_CHINA)


def _event(detail, ctx) -> Event | None:
    if not isinstance(detail, dict):
        return None
    code = as_text(detail.get("actionCode")) or None
    text = scrub(as_text(detail.get("standerdDesc")) or as_text(detail.get("desc")))  # sic: Cainiao's spelling
    when = dates.from_epoch_ms(detail.get("time")) or _local_time(detail, ctx)
    if not (text or code):
        return None
    return Event(time=when, text=text, code=code, milestone=vocabulary.classify_event(code, text))
