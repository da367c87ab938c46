"""What an AliExpress URL says: which kind of page it is and which order it names.

The extension decides the same two things before it captures anything, so these are data both
read: ``python -m companion.export_shared`` writes them into ``extension/common/generated.js``.
The patterns keep to the regular-expression syntax Python and JavaScript share.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

# The page kind of a URL path: the first pattern that matches. Detail comes before the list,
# since both live under /p/order/; the ``.htm`` paths are the older pages of trade.aliexpress.com.
PAGE_PATHS = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("order_detail", r"^/p/order/detail|order_detail\.htm$"),
    ("order_list", r"^/p/order(?:/index|/?$)|orderList\.htm$"),
    ("tracking", r"^/p/tracking/|logisticsdetail"),
))
# The query parameters that name an order, most specific first: the tracking page's
# tradeOrderId, the detail page's orderId, and tradeId on older links.
ORDER_ID_PARAMS = ("tradeOrderId", "orderId", "tradeId")
# An AliExpress order id: 15–19 digits in every sample (16 in most); 12–20 leaves room.
ORDER_ID = re.compile(r"^[0-9]{12,20}$")
# An order id inside a link (hrefs are stable; the labels beside them change).
ORDER_ID_IN_HREF = re.compile(r"(?:[?&]|\b)(?:tradeOrderId|orderId|tradeId)=([0-9]{12,20})(?![0-9])")


def page_kind(path: str) -> str | None:
    """``order_list``, ``order_detail``, ``tracking``, or None for a path no parser owns."""
    return next((kind for kind, pattern in PAGE_PATHS if pattern.search(path or "")), None)


def order_id(query: str) -> str | None:
    """The order id a URL's query string names, when it is one, else None."""
    values = parse_qs(query or "")
    for name in ORDER_ID_PARAMS:
        value = (values.get(name) or [""])[0].strip()
        if ORDER_ID.fullmatch(value):
            return value
    return None
