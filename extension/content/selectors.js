/*
 * Every AliExpress selector the content script uses (docs/facts/aliexpress-pages.md §2.1, §3.1, §4.1).
 * List and detail pages have stable BEM-like classes; the tracking page has CSS-module
 * hashes, so it is matched on the class prefix. Order ids come from hrefs, never label text
 * (the Korean labels changed in 2026-07).
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  PD.selectors = Object.freeze({
    list: {
      // the container sent to the companion, most specific first
      containers: [".order-content", ".order-main", ".order-wrap"],
      card: ".order-item",
      cardHeader: ".order-item-header",
      orderLink: 'a[href*="orderId="], a[href*="tradeOrderId="]',
      statusText: ".order-item-header-status-text",
      embeddedState: "script",
      embeddedMarker: "__INIT_DATA_CALLBACK__",
      // the parts of a card the companion never reads (product rows, store, prices, icons),
      // left out of the copy it is sent: a class named so, or so and "--" and a module hash
      unread: PD.shared.LIST_UNREAD.map((name) => `.order-item :is(.${name}, [class^="${name}--"], [class*=" ${name}--"])`).join(", "),
    },
    detail: {
      // status, order info and track blocks; never .order-detail-info (recipient, address)
      blocks: [
        ".order-status",
        ".order-detail-order-info",
        ".order-detail-item-store",
        ".order-detail-item-content-wrap",
        ".order-detail-item-track",
        ".service-progress-node-info",
      ],
      anchor: ".order-status",
    },
    tracking: {
      blocks: [
        '[class*="arrival-time-v2--"]',
        '[class*="tab-list-v2--"]',
        '[class*="logistic-info-v2--"]',
        '[class*="package-items-v2--"]',
      ],
      // personal data inside those blocks, removed from the copy before it is sent
      private: ['[class*="logistic-info-v2--shippingToInfo"]', '[class*="ship-to--"]'],
    },
    // ids in hrefs: orderId=… on detail links, tradeOrderId=… on tracking links
    orderIdInHref: new RegExp(PD.shared.ORDER_ID_IN_HREF),
  });
})();
