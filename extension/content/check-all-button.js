/*
 * "Check all awaiting orders" on the order list itself: the same button as the popup's (same
 * words), placed above the first order card, with the job's progress shown in place while
 * the service worker opens each tracking page; the overlays then update from the history.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const TAG = "parcel-doctor-check-all";
  let host = null;
  let job = null; // the last progress state from the service worker

  /** Places (or re-places after a re-render) the button above the first card; ids: awaiting orders. */
  function place(ids, strings, onClick) {
    const first = document.querySelector(PD.selectors.list.card);
    if (!first || !ids.length) {
      if (host && !(job && job.running)) host.remove();
      return;
    }
    if (!host) {
      host = PD.dom.shadowHost(TAG, PD.styles.checkAll).host;
      host.setAttribute("data-parcel-doctor-check-all", "");
    }
    if (host.nextElementSibling !== first) first.before(host);
    render(ids, strings, onClick);
  }

  function render(ids, strings, onClick) {
    const { h } = PD.dom;
    const { tr } = PD.format;
    const running = Boolean(job && job.running);
    const button = h("button", { type: "button", disabled: running || null }, tr(strings, "popup_checkAllButtonCount", [ids.length]));
    button.addEventListener("click", () => onClick(ids));
    let status = null;
    if (job && job.total) {
      const text = running
        ? tr(strings, "popup_checkAllRunning", [job.done, job.total])
        : tr(strings, "popup_checkAllDone", [job.done - job.failed, job.total]);
      status = [h("progress", { value: job.done, max: Math.max(job.total, 1) }), h("span", { class: "pd-status", role: "status" }, text)];
    }
    const key = JSON.stringify([ids, job, button.textContent]);
    const shadow = PD.dom.shadowOf(host);
    if (host.dataset.key === key && shadow.childElementCount) return;
    host.dataset.key = key;
    PD.dom.replaceContent(
      shadow,
      h("div", { class: "pd pd-checkall" }, h("span", { class: "pd-brand" }, tr(strings, "overlay_brand")), button, status),
    );
  }

  /** A progress state from the service worker. */
  function progress(state) {
    job = state && typeof state === "object" ? state : null;
    if (host) host.dataset.key = ""; // re-render on the next place()
  }

  PD.checkAllButton = Object.freeze({ place, progress, TAG });
})();
