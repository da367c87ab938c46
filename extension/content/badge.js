/*
 * The view of one order's diagnosis: a small badge on list and detail pages, a fuller panel
 * (explanation, evidence, parcels) on the tracking page. Text only; links only through
 * PD.links.safeUrl, so a companion answer can never point the user somewhere unexpected.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const SEVERITIES = ["ok", "info", "wait", "action"];
  const MAX_TEXT = 400;

  const text = (value) => (typeof value === "string" ? value.slice(0, MAX_TEXT) : "");

  function severityOf(order) {
    const severity = order.diagnosis && order.diagnosis.severity;
    return SEVERITIES.includes(severity) ? severity : "info";
  }

  function actionLinks(diagnosis) {
    const { h } = PD.dom;
    const links = [];
    for (const action of (diagnosis && diagnosis.actions) || []) {
      const href = action && PD.links.safeUrl(action.url);
      const label = action && text(action.label);
      if (!href || !label) continue; // anything off the allow-list is dropped
      links.push(
        h("a", { class: "pd-btn", href, target: "_blank", rel: "noopener noreferrer", "data-kind": text(action.kind) }, label),
      );
    }
    return links.length ? h("div", { class: "pd-actions" }, links) : null;
  }

  /** One <li> per parcel: carrier, number (monospace), validity, domestic courier, last event. */
  function parcelItem(parcel, ctx) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const parts = [];
    if (parcel.carrier && parcel.carrier.name) parts.push(text(parcel.carrier.name));
    if (parcel.tracking_number) parts.push(h("span", { class: "pd-number" }, text(parcel.tracking_number)));
    if (parcel.valid === false) parts.push(tr(ctx.strings, "overlay_invalidNumber"));
    const domestic = parcel.domestic;
    if (domestic && domestic.tracking_number) {
      const name = (domestic.carrier && text(domestic.carrier.name)) || "";
      parts.push(tr(ctx.strings, "overlay_domestic", [name, text(domestic.tracking_number)]).replace(/\s+/g, " "));
    }
    if (parcel.last_event && parcel.last_event.text) {
      parts.push(tr(ctx.strings, "overlay_lastEvent", [text(parcel.last_event.text)]));
    }
    return h("li", null, parts.flatMap((part, i) => (i ? [" · ", part] : [part])));
  }

  function details(order, ctx) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const diagnosis = order.diagnosis || {};
    const nodes = [];
    if (diagnosis.explanation) nodes.push(h("p", { class: "pd-explanation" }, text(diagnosis.explanation)));
    const parcels = (order.parcels || []).filter((p) => p && (p.tracking_number || p.carrier));
    if (parcels.length) {
      nodes.push(h("p", { class: "pd-section" }, tr(ctx.strings, "overlay_parcels")));
      nodes.push(h("ul", { class: "pd-list pd-parcels" }, parcels.map((p) => parcelItem(p, ctx))));
    }
    const evidence = (diagnosis.evidence || []).filter((e) => typeof e === "string").slice(0, 10);
    if (evidence.length) {
      nodes.push(h("p", { class: "pd-section" }, tr(ctx.strings, "overlay_evidence")));
      nodes.push(h("ul", { class: "pd-list pd-evidence" }, evidence.map((e) => h("li", null, text(e)))));
    }
    return nodes;
  }

  /** "모든 주문 보기": the service worker opens the dashboard on this order. */
  function dashboardButton(order, ctx) {
    const button = PD.dom.h("button", { class: "pd-btn pd-dashboard", type: "button" }, PD.format.tr(ctx.strings, "overlay_dashboard"));
    button.addEventListener("click", () => {
      chrome.runtime.sendMessage({ type: PD.MSG.ANY_TO_SW_OPEN_DASHBOARD, orderId: order.order_id }).catch(() => {});
    });
    return button;
  }

  /** One Element for the order's shadow root. ctx = {strings, lang, capturedAt, full}. */
  function view(order, ctx) {
    const { h } = PD.dom;
    const { tr, waitAdvice } = PD.format;
    const diagnosis = order.diagnosis || {};
    const wait = waitAdvice(ctx.strings, ctx.lang, order, ctx.capturedAt);
    return h(
      "div",
      {
        class: ctx.full ? "pd pd-badge pd-full" : "pd pd-badge",
        "data-severity": severityOf(order),
        lang: ctx.lang,
        role: "note",
        // the compact badge keeps the explanation one hover away
        title: ctx.full ? null : text(diagnosis.explanation) || null,
      },
      h(
        "div",
        { class: "pd-head" },
        h("span", { class: "pd-brand" }, tr(ctx.strings, "overlay_brand")),
        h("span", { class: "pd-title" }, text(diagnosis.title) || tr(ctx.strings, "overlay_noTitle")),
      ),
      wait ? h("p", { class: "pd-wait" }, wait) : null,
      ctx.full ? details(order, ctx) : null,
      actionLinks(diagnosis),
      dashboardButton(order, ctx),
    );
  }

  PD.badge = Object.freeze({ view, severityOf });
})();
