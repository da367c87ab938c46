"""``mtop.aliexpress.trade.buyer.order.list`` — the order list's Ultron JSON (page 1 is also
embedded in the list page as ``window.__INIT_DATA_CALLBACK__``). Real sample:
`order-list-init.json` of maxwellmezadre/aliexpress-mcp (docs/facts/aliexpress-pages.md)."""

from __future__ import annotations

from companion import dates
from companion.models import Order
from companion.parsing import vocabulary
from companion.parsing.payloads._shape import as_list
from companion.parsing.payloads._shape import button_kinds
from companion.parsing.payloads._shape import as_text
from companion.parsing.payloads._shape import components
from companion.parsing.payloads._shape import dig

MARKER = "pc_om_list_order_"


def looks_like(body) -> bool:
    return bool(components(body, MARKER))


def read(body, ctx) -> list[Order]:
    """Every order in the payload, in display order (``hierarchy.structure``) when it says."""
    bag = components(body, MARKER)
    keys = [k for k in bag if k.startswith(MARKER)]
    keys = _display_order(body, keys)
    orders = []
    for key in keys:
        order = _order(dig(bag, key, "fields", default={}), ctx)
        if order:
            orders.append(order)
    return orders


def _display_order(body, keys: list[str]) -> list[str]:
    structure = dig(body, "data", "hierarchy", "structure") or dig(body, "hierarchy", "structure") or {}
    ordered = []
    if isinstance(structure, dict):
        for children in structure.values():
            for child in as_list(children):
                if child in keys and child not in ordered:
                    ordered.append(child)
    return ordered + [k for k in keys if k not in ordered]


def _order(fields: dict, ctx) -> Order | None:
    if not isinstance(fields, dict):
        return None
    order_id = as_text(fields.get("orderId"))
    if not (order_id.isascii() and order_id.isdigit()):  # "١٢٣" is digits to Python, not an order id
        return None
    code = as_text(dig(fields, "utParams", "args", "orderStatus")) or None
    text = as_text(fields.get("statusText"))
    status = vocabulary.status_from_code(code) or vocabulary.status_from_text(text)
    order = Order(order_id=order_id, status=status, status_text=text, status_code=code)
    order.ordered_on = dates.parse_date(as_text(fields.get("orderDateText")), ctx.now)
    order.item_title = as_text(dig(fields, "orderLines", 0, "itemTitle")) or None
    order.buttons = button_kinds(fields.get("buttons"))
    order.has_tracking_link = "tracking" in order.buttons
    if order.status == "unknown":
        order.status = vocabulary.status_from_buttons(order.buttons)
    order.sources.append("order list JSON")
    return order

