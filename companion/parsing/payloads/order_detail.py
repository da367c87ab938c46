"""``mtop.aliexpress.trade.buyer.order.detail`` — the detail page's Ultron JSON (real sample:
`order-detail.json` of maxwellmezadre/aliexpress-mcp (docs/facts/aliexpress-pages.md)). The 2026 response carries no tracking number;
the legacy ``detail_logistic_package_block`` did, and is still read when present."""

from __future__ import annotations

import re

from companion import dates
from companion.models import Order
from companion.models import Parcel
from companion.numbers import extract
from companion.parsing import vocabulary
from companion.parsing.payloads._shape import as_list
from companion.parsing.payloads._shape import button_kinds
from companion.parsing.payloads._shape import as_text
from companion.parsing.payloads._shape import components
from companion.parsing.payloads._shape import dig

MARKER = "detail_"


def looks_like(body) -> bool:
    bag = components(body, MARKER)
    return any(k.startswith("detail_order_status_block") or k.startswith("detail_simple_order_info") for k in bag)


def read(body, ctx) -> list[Order]:
    bag = components(body, MARKER)
    blocks = {}
    for key, value in bag.items():
        tag = as_text(dig(value, "tag")) or key.rsplit("_", 1)[0]
        fields = dig(value, "fields")
        blocks.setdefault(tag, fields if isinstance(fields, dict) else {})
    status_block = blocks.get("detail_order_status_block", {})
    info = blocks.get("detail_simple_order_info_component", {})
    order_id = as_text(info.get("tradeOrderId")) or as_text(status_block.get("orderId")) or ctx.order_id or ""
    if not (order_id.isascii() and order_id.isdigit()):  # "١٢٣" is digits to Python, not an order id
        return []
    code = as_text(dig(body, "data", "global", "orderStatus")) or as_text(dig(body, "global", "orderStatus")) or None
    text = as_text(status_block.get("title"))
    order = Order(
        order_id=order_id,
        status=vocabulary.status_from_code(code) or vocabulary.status_from_text(text),
        status_text=text,
        status_code=code,
        ordered_on=dates.parse_date(as_text(info.get("orderCreatTime")), ctx.now),
        shipped_on=dates.parse_date(as_text(info.get("orderShipTime")), ctx.now),
    )
    order.buttons = button_kinds(status_block.get("buttonVOList"))
    order.has_tracking_link = "tracking" in order.buttons
    order.protection_until = _protection(blocks, ctx)
    order.item_title = as_text(dig(blocks, "detail_product_block", "productVOList", 0, "itemTitle")) or None
    order.parcels = _legacy_parcels(blocks)
    order.sources.append("order detail JSON")
    return [order]


def _protection(blocks: dict, ctx):
    """The page's own "Refund if no delivery before …" date (services block or progress bar)."""
    texts = [as_text(d.get("content")) for d in as_list(dig(blocks, "detail_order_services", "data")) if isinstance(d, dict)]
    for node in as_list(dig(blocks, "detail_service_progress_bar", "nodes")):
        # The progress bar's last node reads "Refund" with the protection date under it.
        if isinstance(node, dict) and re.search(r"refund|환불", as_text(node.get("text")), re.I):
            texts.append(f"Refund if no delivery before {as_text(node.get('time'))}")
    for text in texts:
        found = vocabulary.protection_date_text(text)
        if found:
            return dates.parse_date(found, ctx.now)
    return None


def _legacy_parcels(blocks: dict) -> list[Parcel]:
    parcels = []
    for info in as_list(dig(blocks, "detail_logistic_package_block", "packageInfoList")):
        number = extract(as_text(dig(info, "trackingNumber") or dig(info, "logisticsNo") or dig(info, "mailNo")))
        if number:
            parcels.append(Parcel(tracking_number=number, service=as_text(dig(info, "logisticsServiceName")) or None))
    return parcels
