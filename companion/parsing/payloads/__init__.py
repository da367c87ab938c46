"""Readers for the JSON the pages load: one module per API, chosen by api name or by shape.

Each reader takes the payload's body and a context, and returns the orders it describes. An
order whose id the payload does not carry (Cainiao) has ``order_id == ""``: the caller attaches
its parcels to the page's order.
"""

from __future__ import annotations

from companion.parsing.payloads import cainiao
from companion.parsing.payloads import order_detail
from companion.parsing.payloads import order_list
from companion.parsing.payloads import querydetail

# api name → reader. Names as AliExpress and Cainiao send them (docs/facts/aliexpress-pages.md §2.2, §3.2, §4.2).
READERS = {
    "mtop.aliexpress.trade.buyer.order.list": order_list,
    "mtop.aliexpress.trade.buyer.order.detail": order_detail,
    "mtop.ae.ld.querydetail": querydetail,
    "cainiao.global.detail": cainiao,
}


def reader_for(api: str | None, body) -> object | None:
    """The reader for a payload: by its api name, else by what its body looks like."""
    if isinstance(api, str):
        name = api.strip().lower()
        for key, reader in READERS.items():
            if name == key or name.startswith(key + "/"):
                return reader
        if "cainiao" in name or name.endswith("detail.json"):
            return cainiao
    for reader in READERS.values():
        if reader.looks_like(body):
            return reader
    return None
