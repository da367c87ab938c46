/*
 * Which AliExpress page this is, from the URL alone, and the order id the URL names.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  /** "order_list" | "order_detail" | "tracking" | null for a location-like object. */
  function pageKind(loc = location) {
    const path = loc.pathname;
    if (path.startsWith("/p/order/detail")) return "order_detail";
    if (path.startsWith("/p/order/")) return "order_list";
    if (path.startsWith("/p/tracking/")) return "tracking";
    return null;
  }

  /** The order id in ?orderId= / ?tradeOrderId=, or null. */
  function orderIdFromUrl(loc = location) {
    const params = new URLSearchParams(loc.search);
    const id = params.get("orderId") || params.get("tradeOrderId");
    return id && /^\d{6,24}$/.test(id) ? id : null;
  }

  PD.pageKind = Object.freeze({ pageKind, orderIdFromUrl });
})();
