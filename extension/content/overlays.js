/*
 * Keeps exactly one overlay host per diagnosed order on the page (docs/design.md §10):
 * re-uses a host that is still in place, re-mounts after the page re-rendered the card,
 * and removes hosts whose order is gone or duplicated.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const TAG = "parcel-doctor-overlay";
  const rendered = new WeakMap(); // host -> key of what it shows, to skip identical re-renders

  function setAttributes(host, order) {
    host.setAttribute("data-parcel-doctor-order", order.order_id);
    host.setAttribute("data-parcel-doctor-cause", String((order.diagnosis && order.diagnosis.cause) || "unknown"));
    host.setAttribute("data-parcel-doctor-severity", PD.badge.severityOf(order));
  }

  function render(host, order, ctx) {
    const key = JSON.stringify([order.diagnosis, order.parcels, order.age, ctx.lang, ctx.full, ctx.stale, ctx.capturedAt.slice(0, 10)]);
    if (rendered.get(host) === key) return;
    setAttributes(host, order);
    PD.dom.replaceContent(PD.dom.shadowOf(host), PD.badge.view(order, ctx));
    rendered.set(host, key);
  }

  /**
   * entries: PD.orders.entries(kind); known: Map(orderId -> {order, capturedAt});
   * view: {strings, lang}. Returns the number of overlays on the page.
   */
  function reconcile(entries, known, view) {
    const wanted = new Map();
    for (const entry of entries) {
      if (known.has(entry.orderId) && !wanted.has(entry.orderId)) wanted.set(entry.orderId, entry);
    }
    const placed = new Map();
    for (const host of document.querySelectorAll(TAG)) {
      const id = host.getAttribute("data-parcel-doctor-order");
      const entry = wanted.get(id);
      if (!entry || placed.has(id) || !PD.dom.shadowOf(host) || !entry.isMounted(host)) host.remove();
      else placed.set(id, host);
    }
    for (const [id, entry] of wanted) {
      let host = placed.get(id);
      if (!host) {
        host = PD.dom.shadowHost(TAG, PD.styles.overlay).host;
        host.setAttribute("data-parcel-doctor-order", id);
        entry.mount(host);
      }
      const { order, capturedAt, stale } = known.get(id);
      render(host, order, { ...view, capturedAt, full: entry.full, stale: Boolean(stale) });
    }
    return wanted.size;
  }

  function removeAll() {
    for (const host of document.querySelectorAll(TAG)) host.remove();
  }

  PD.overlays = Object.freeze({ reconcile, removeAll, TAG });
})();
