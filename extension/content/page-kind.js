/*
 * Which AliExpress page this is, from the URL alone, and the order id the URL names: the
 * companion's own patterns (companion/parsing/page_urls.py, through generated.js).
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  /** "order_list" | "order_detail" | "tracking" | null for a location-like object. */
  const PATHS = PD.shared.PAGE_PATHS.map(([kind, pattern]) => [kind, new RegExp(pattern)]);
  const ORDER_ID = new RegExp(PD.shared.ORDER_ID);

  function pageKind(loc = location) {
    const found = PATHS.find(([, pattern]) => pattern.test(loc.pathname));
    return found ? found[0] : null;
  }

  /** The order id the query names (?tradeOrderId=, ?orderId=, ?tradeId=), or null. */
  function orderIdFromUrl(loc = location) {
    const params = new URLSearchParams(loc.search);
    for (const name of PD.shared.ORDER_ID_PARAMS) {
      const id = (params.get(name) || "").trim();
      if (ORDER_ID.test(id)) return id;
    }
    return null;
  }

  PD.pageKind = Object.freeze({ pageKind, orderIdFromUrl });
})();
