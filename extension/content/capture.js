/*
 * Builds the capture sent to the companion: what it needs and no more.
 * list: the order container, without the parts of its cards the companion never reads (product
 *   names, prices, images), + the page-1 JSON script (__INIT_DATA_CALLBACK__);
 * detail: the status, order-info, item and track blocks (never the address block);
 * tracking: the rendered tracking panel, minus the recipient block.
 * Our own overlay hosts are removed from the copy, so the companion never sees them.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const OWN_NODES = "parcel-doctor-overlay, parcel-doctor-notice";
  // removed from every copy: our own hosts and the recipient's name and address
  const DROP = [OWN_NODES, ...PD.selectors.tracking.private].join(",");

  /** Elements matching any selector, keeping only the outermost of nested matches. */
  function outermost(selectors) {
    const found = [...document.querySelectorAll(selectors.join(","))];
    const set = new Set(found);
    return found.filter((el) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (set.has(p)) return false;
      return true;
    });
  }

  function listParts() {
    const sel = PD.selectors.list;
    const firstCard = document.querySelector(sel.card);
    if (!firstCard) return null;
    const container =
      sel.containers.map((s) => firstCard.closest(s)).find(Boolean) || firstCard.parentElement;
    const parts = [container];
    const state = [...document.querySelectorAll(sel.embeddedState)].find(
      (s) => !s.src && s.textContent.includes(sel.embeddedMarker),
    );
    if (state) parts.push(state);
    return parts;
  }

  function partsFor(kind) {
    if (kind === "order_list") return listParts();
    if (kind === "order_detail") return outermost(PD.selectors.detail.blocks);
    if (kind === "tracking") return outermost(PD.selectors.tracking.blocks);
    return null;
  }

  /** A small standalone HTML document holding copies of the parts, or null. */
  function captureHtml(kind) {
    const parts = partsFor(kind);
    if (!parts || parts.length === 0) return null;
    const doc = document.implementation.createHTMLDocument("");
    if (document.documentElement.lang) doc.documentElement.lang = document.documentElement.lang;
    const drop = kind === "order_list" ? `${DROP}, ${PD.selectors.list.unread}` : DROP;
    for (const part of parts) {
      const copy = doc.importNode(part, true);
      for (const node of copy.querySelectorAll(drop)) node.remove();
      doc.body.append(copy);
    }
    return "<!DOCTYPE html>" + doc.documentElement.outerHTML;
  }

  /** The browser's time zone: AliExpress prints the page's times in it. */
  function timeZone() {
    let name = null;
    try {
      name = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch (_) {
      name = null;
    }
    return { time_zone: name, utc_offset_minutes: -new Date().getTimezoneOffset() };
  }

  /** {url, html, payloads, captured_at, time_zone, utc_offset_minutes, lang} or null when the
   * page shows nothing yet. */
  function capture(kind, lang) {
    const html = captureHtml(kind);
    const payloads = PD.payloads.all();
    if (!html && payloads.length === 0) return null;
    return { url: location.href, html, payloads, captured_at: PD.format.isoNow(), ...timeZone(), lang };
  }

  PD.capture = Object.freeze({ capture, captureHtml });
})();
