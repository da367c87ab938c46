/*
 * The view of one order's diagnosis: a small badge on list and detail pages, a fuller panel
 * (explanation, evidence, parcels) on the tracking page. Text only; links only through
 * PD.links.safeUrl, so a companion answer can never point the user somewhere unexpected.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const { SEVERITIES } = PD.shared;
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

  /** A tracking number in monospace with its copy button. */
  function numberWithCopy(number, ctx) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const button = h("button", { class: "pd-copy", type: "button", "data-copy": number }, tr(ctx.strings, "overlay_copy"));
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(number).then(
        () => {
          button.textContent = tr(ctx.strings, "overlay_copied");
          setTimeout(() => (button.textContent = tr(ctx.strings, "overlay_copy")), 1500);
        },
        () => {},
      );
    });
    return h("span", { class: "pd-numbox" }, h("span", { class: "pd-number" }, number), button);
  }

  /** One <li> per parcel: carrier, number (monospace), validity, domestic courier, last event. */
  function parcelItem(parcel, ctx) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const parts = [];
    if (parcel.carrier && parcel.carrier.name) parts.push(text(parcel.carrier.name));
    if (parcel.tracking_number) parts.push(numberWithCopy(text(parcel.tracking_number), ctx));
    if (parcel.valid === false) parts.push(tr(ctx.strings, "overlay_invalidNumber"));
    const domestic = parcel.domestic;
    // The courier's number once: when AliExpress shows it as the tracking number itself, it is already there.
    if (domestic && domestic.tracking_number && domestic.tracking_number !== parcel.tracking_number) {
      const name = (domestic.carrier && text(domestic.carrier.name)) || "";
      const label = tr(ctx.strings, "overlay_domestic", [name, ""]).replace(/\s+/g, " ").trim();
      parts.push(h("span", null, label, " ", numberWithCopy(text(domestic.tracking_number), ctx)));
    }
    if (parcel.last_event && parcel.last_event.text) {
      parts.push(tr(ctx.strings, "overlay_lastEvent", [text(parcel.last_event.text)]));
    }
    return h("li", null, parts.flatMap((part, i) => (i ? [" · ", part] : [part])));
  }

  function details(order, ctx, said) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const diagnosis = order.diagnosis || {};
    const nodes = [];
    const explanation = unsaid(text(diagnosis.explanation), said);
    if (explanation) nodes.push(h("p", { class: "pd-explanation" }, explanation));
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
    // Codes and ids only for the curious, folded away.
    const codes = (diagnosis.details || []).filter((e) => typeof e === "string").slice(0, 10);
    if (codes.length) {
      nodes.push(
        h(
          "details",
          { class: "pd-details" },
          h("summary", null, tr(ctx.strings, "overlay_details")),
          h("ul", { class: "pd-list pd-codes" }, codes.map((e) => h("li", null, text(e)))),
        ),
      );
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

  /** The explanation without the sentences a line above already says (no sentence twice). */
  function unsaid(explanation, said) {
    const phrases = said.filter(Boolean);
    if (!explanation || !phrases.length) return explanation;
    const sentences = explanation.match(/[^.!?]+[.!?]*\s*/g) || [explanation];
    return sentences
      .filter((sentence) => !phrases.some((phrase) => sentence.includes(phrase)))
      .join("")
      .trim();
  }

  /** "주문 12일째 · 보통 5–21일 (…)" unless the explanation already says the age. */
  function ageLine(order, diagnosis) {
    const age = order.age;
    if (!age || typeof age.text !== "string") return "";
    const head = age.text.split(" · ")[0];
    return text(diagnosis.explanation).includes(head) ? "" : text(age.text);
  }

  // Finished orders: a small badge on the list, not a box with nothing to do in it.
  const SMALL_CAUSES = ["delivered", "cancelled"];

  /**
   * One Element for the order's shadow root. ctx = {strings, lang, capturedAt, full, stale};
   * stale: a diagnosis kept from earlier, shown greyed with its day while the companion is off.
   */
  function view(order, ctx) {
    const { h } = PD.dom;
    const { tr, waitAdvice, formatDay, calendarDay, waitPhrases } = PD.format;
    const diagnosis = order.diagnosis || {};
    const small = !ctx.full && SMALL_CAUSES.includes(diagnosis.cause);
    const wait = small ? "" : waitAdvice(ctx.strings, ctx.lang, order, ctx.capturedAt);
    const age = small ? "" : ageLine(order, diagnosis);
    const checkedDay = ctx.stale ? calendarDay(ctx.capturedAt) : null;
    const classes = ["pd", "pd-badge"];
    if (ctx.full) classes.push("pd-full");
    if (small) classes.push("pd-small");
    if (ctx.stale) classes.push("pd-stale");
    return h(
      "div",
      {
        class: classes.join(" "),
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
      checkedDay != null
        ? h("p", { class: "pd-checked" }, tr(ctx.strings, "overlay_lastChecked", [formatDay(ctx.lang, checkedDay, Date.now())]))
        : null,
      age ? h("p", { class: "pd-age" }, age) : null,
      wait ? h("p", { class: "pd-wait" }, wait) : null,
      ctx.full ? details(order, ctx, wait ? waitPhrases(ctx.strings, ctx.lang, order, ctx.capturedAt) : []) : null,
      small ? null : actionLinks(diagnosis),
      small ? null : dashboardButton(order, ctx),
    );
  }

  PD.badge = Object.freeze({ view, severityOf });
})();
