/*
 * Follows the single-page app: "주문 더 보기", tab switches and re-renders all change the
 * DOM without a navigation. One MutationObserver, debounced, blind to our own nodes
 * (otherwise mounting an overlay would trigger another scan, forever).
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const OWN = new Set(["PARCEL-DOCTOR-OVERLAY", "PARCEL-DOCTOR-NOTICE"]);

  const isOwn = (node) => OWN.has(node.nodeName);

  function relevant(record) {
    if (record.type !== "childList") return !isInsideOwn(record.target);
    const nodes = [...record.addedNodes, ...record.removedNodes];
    return nodes.length > 0 && !nodes.every(isOwn) && !isInsideOwn(record.target);
  }

  function isInsideOwn(node) {
    for (let n = node; n; n = n.parentNode) if (isOwn(n)) return true;
    return false;
  }

  /**
   * Calls onChange() after delayMs of quiet following a page DOM change; a page that never
   * stops changing (a ticking countdown) still gets a call every maxWaitMs.
   */
  function watch(onChange, delayMs = 300, maxWaitMs = 1500) {
    let timer = null;
    let firstChange = 0;
    const fire = () => {
      timer = null;
      firstChange = 0;
      onChange();
    };
    const observer = new MutationObserver((records) => {
      if (!records.some(relevant)) return;
      const now = Date.now();
      if (!firstChange) firstChange = now;
      clearTimeout(timer);
      timer = setTimeout(fire, Math.max(0, Math.min(delayMs, firstChange + maxWaitMs - now)));
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }

  PD.watch = Object.freeze({ watch });
})();
