/*
 * Which orders the page shows right now, and where each one's overlay belongs.
 * list: one per .order-item card, placed after the card header;
 * detail: the order in the URL, after the status block;
 * tracking: the order in the URL, before the tracking panel (a fuller panel).
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  function idFromCard(card) {
    for (const link of card.querySelectorAll(PD.selectors.list.orderLink)) {
      const m = PD.selectors.orderIdInHref.exec(link.getAttribute("href") || "");
      if (m) return m[1];
    }
    return null;
  }

  function listEntries() {
    const sel = PD.selectors.list;
    const entries = [];
    for (const card of document.querySelectorAll(sel.card)) {
      const orderId = idFromCard(card);
      if (!orderId) continue;
      entries.push({
        orderId,
        full: false,
        isMounted: (host) => host.parentElement === card,
        mount: (host) => {
          const header = card.querySelector(`:scope > ${sel.cardHeader}`);
          if (header) header.after(host);
          else card.prepend(host);
        },
      });
    }
    return entries;
  }

  function singleEntry(anchor, where, full) {
    const orderId = PD.pageKind.orderIdFromUrl();
    if (!orderId || !anchor) return [];
    return [
      {
        orderId,
        full,
        isMounted: (host) => host.parentElement === anchor.parentElement,
        mount: (host) => (where === "after" ? anchor.after(host) : anchor.before(host)),
      },
    ];
  }

  /** [{orderId, full, isMounted(host), mount(host)}] in page order. */
  function entries(kind) {
    if (kind === "order_list") return listEntries();
    if (kind === "order_detail") {
      return singleEntry(document.querySelector(PD.selectors.detail.anchor), "after", false);
    }
    if (kind === "tracking") {
      const panel = document.querySelector(PD.selectors.tracking.blocks.join(","));
      const anchor = panel || document.querySelector("#root > *") || document.body.firstElementChild;
      return singleEntry(anchor, "before", true);
    }
    return [];
  }

  PD.orders = Object.freeze({ entries });
})();
