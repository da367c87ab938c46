/*
 * Content script entry: watches the page, sends captures to the service worker, keeps the
 * overlays in step, and waits quietly (one notice, health polling with backoff) while the
 * companion is not there. Every step is caught: the page itself must never break.
 */
"use strict";
(() => {
  const PD = globalThis.ParcelDoctor;
  const { MSG, STATE } = PD;
  const kind = PD.pageKind.pageKind();
  if (!kind) return;

  const POLL_BACKOFF_MS = [1000, 2000, 4000, 8000, 10000];
  const state = {
    strings: {},
    lang: "ko",
    known: new Map(), // orderId -> {order, capturedAt, stale?}
    keptAsked: new Set(), // order ids whose kept diagnosis was asked for while offline
    tried: new Set(), // order ids sent since the last (re)connection
    sentHtml: null, // detail/tracking: the html of the last capture sent
    sentPayloads: 0,
    companion: null, // null (unknown) | STATE.*
    running: false,
    again: false,
    soonTimer: null,
    pollTimer: null,
    pollStep: 0,
    stopWatching: null,
    stopped: false,
    notices: [], // the last answer's notices about the page itself (page_not_understood)
  };

  async function send(message) {
    if (state.stopped) return null;
    try {
      return await chrome.runtime.sendMessage(message);
    } catch {
      // The extension was reloaded or updated: this copy of the script is orphaned.
      if (!chrome.runtime || !chrome.runtime.id) stop();
      return null;
    }
  }

  function stop() {
    state.stopped = true;
    if (state.stopWatching) state.stopWatching();
    clearTimeout(state.pollTimer);
    clearTimeout(state.soonTimer);
  }

  function show(entries) {
    PD.overlays.reconcile(entries, state.known, { strings: state.strings, lang: state.lang });
    if (kind === "order_list") {
      const awaiting = entries
        .map((e) => state.known.get(e.orderId))
        .filter((k) => k && !k.stale && k.order.status === "awaiting_delivery")
        .map((k) => k.order.order_id);
      PD.checkAllButton.place([...new Set(awaiting)], state.strings, checkAll);
    }
  }

  async function checkAll(orderIds) {
    const answer = await send({ type: MSG.CS_TO_SW_CHECK_ALL, orderIds });
    if (answer && answer.state) checkAllProgress({ state: answer.state });
  }

  function checkAllProgress(message) {
    PD.checkAllButton.progress(message && message.state);
    show(PD.orders.entries(kind));
  }

  /**
   * While the companion is off: each order's last diagnosis, kept by the service worker with
   * its time, shown greyed ("마지막 확인: 12월 1일"). Asked once per order per page.
   */
  async function showKept() {
    const ids = PD.orders.entries(kind).map((e) => e.orderId).filter((id) => !state.known.has(id) && !state.keptAsked.has(id));
    if (!ids.length) return;
    for (const id of ids) state.keptAsked.add(id);
    const answer = await send({ type: MSG.CS_TO_SW_GET_KEPT, orderIds: ids });
    for (const item of (answer && answer.kept) || []) {
      const order = item && item.order;
      if (order && typeof order.order_id === "string" && typeof item.capturedAt === "string" && !state.known.has(order.order_id)) {
        state.known.set(order.order_id, { order, capturedAt: item.capturedAt, stale: true });
      }
    }
    show(PD.orders.entries(kind));
  }

  function needsDiagnosis(entries, capture) {
    if (kind === "order_list") return entries.some((e) => !state.tried.has(e.orderId));
    return capture.html !== state.sentHtml || capture.payloads.length !== state.sentPayloads;
  }

  async function step() {
    const entries = PD.orders.entries(kind);
    show(entries); // re-attach known overlays at once after a re-render
    if (state.companion === STATE.OFFLINE) await showKept();
    if (state.companion === STATE.OFFLINE || state.companion === STATE.UNPAIRED) return;
    if (entries.length === 0) return;
    const capture = PD.capture.capture(kind, state.lang);
    if (!capture || !needsDiagnosis(entries, capture)) return;
    for (const entry of entries) state.tried.add(entry.orderId);
    state.sentHtml = capture.html;
    state.sentPayloads = capture.payloads.length;
    const answer = await send({ type: MSG.CS_TO_SW_DIAGNOSE, capture });
    if (!answer) return;
    if (!answer.ok) {
      onError(answer.error);
      return;
    }
    setCompanion(STATE.CONNECTED);
    // "This page seems to have changed" (page_not_understood), for the popup to say quietly.
    const notices = (answer.response && answer.response.notices) || [];
    state.notices = notices.filter((n) => n && typeof n.title === "string" && typeof n.message === "string");
    for (const order of (answer.response && answer.response.orders) || []) {
      if (order && typeof order.order_id === "string") {
        state.known.set(order.order_id, { order, capturedAt: capture.captured_at });
      }
    }
    show(PD.orders.entries(kind)); // the page may have changed while we waited
  }

  /** Runs step() now, or once more after the running one, never two at a time. */
  async function run() {
    if (state.stopped) return;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        await step();
      } while (state.again && !state.stopped);
    } catch {
      // never break the page; the next change or poll tries again
    } finally {
      state.running = false;
    }
  }

  function soon() {
    clearTimeout(state.soonTimer);
    state.soonTimer = setTimeout(run, 300);
  }

  function onError(error) {
    const code = error && error.code;
    if (code !== STATE.OFFLINE && code !== STATE.UNPAIRED) return; // a rejected capture: leave it
    forgetSent();
    setCompanion(code);
    startPolling();
    if (code === STATE.OFFLINE) showKept().catch(() => {});
  }

  function forgetSent() {
    state.tried.clear();
    state.sentHtml = null;
    state.sentPayloads = 0;
  }

  function setCompanion(next) {
    state.companion = next;
    if (next === STATE.CONNECTED) {
      PD.notice.hide();
      clearTimeout(state.pollTimer);
      state.pollTimer = null;
    } else {
      PD.notice.show(next, state.strings);
    }
  }

  function startPolling() {
    if (state.pollTimer || state.stopped) return;
    state.pollStep = 0;
    schedulePoll();
  }

  function schedulePoll() {
    const delay = POLL_BACKOFF_MS[Math.min(state.pollStep++, POLL_BACKOFF_MS.length - 1)];
    state.pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    try {
      const answer = await send({ type: MSG.CS_TO_SW_HEALTH });
      if (answer && answer.state === STATE.CONNECTED) {
        state.pollTimer = null;
        setCompanion(STATE.CONNECTED);
        run();
        return;
      }
      if (answer && answer.state) setCompanion(answer.state);
    } catch {
      // keep polling
    }
    if (!state.stopped) schedulePoll();
  }

  async function loadStrings() {
    const answer = await send({ type: MSG.CS_TO_SW_GET_STRINGS, pageLang: document.documentElement.lang });
    if (answer && answer.strings) {
      state.strings = answer.strings;
      state.lang = answer.lang;
    }
  }

  // --- messages from the popup and the service worker: one named handler per type ---

  function getSummary() {
    const orders = [];
    for (const entry of PD.orders.entries(kind)) {
      const known = state.known.get(entry.orderId);
      if (!known || orders.some((o) => o.order_id === entry.orderId)) continue;
      const { order } = known;
      const diagnosis = order.diagnosis || {};
      orders.push({
        order_id: order.order_id,
        status: order.status,
        cause: diagnosis.cause,
        severity: PD.badge.severityOf(order),
        title: diagnosis.title,
      });
    }
    return { kind, url: location.href, companion: state.companion, orders, notices: state.notices || [] };
  }

  async function companionReady() {
    await loadStrings();
    forgetSent();
    state.companion = null;
    clearTimeout(state.pollTimer);
    state.pollTimer = null;
    PD.notice.hide();
    await run();
  }

  async function refreshFromHistory() {
    const answer = await send({ type: MSG.CS_TO_SW_GET_HISTORY });
    if (!answer || !answer.ok) return;
    const onPage = new Set(PD.orders.entries(kind).map((e) => e.orderId));
    const now = PD.format.isoNow();
    for (const order of answer.orders) {
      if (order && onPage.has(order.order_id) && order.diagnosis) {
        state.known.set(order.order_id, { order, capturedAt: now });
      }
    }
    show(PD.orders.entries(kind));
  }

  /** What this page would send for a diagnosis, for the popup's diagnosis file. */
  function getCapture() {
    return { capture: PD.capture.capture(kind, state.lang) };
  }

  const handlers = {
    [MSG.POPUP_TO_CS_GET_SUMMARY]: getSummary,
    [MSG.POPUP_TO_CS_GET_CAPTURE]: getCapture,
    [MSG.SW_TO_CS_COMPANION_READY]: companionReady,
    [MSG.SW_TO_CS_REFRESH_FROM_HISTORY]: refreshFromHistory,
    [MSG.SW_TO_CS_CHECK_ALL_PROGRESS]: checkAllProgress,
  };

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const handler = message && sender.id === chrome.runtime.id && handlers[message.type];
    if (!handler) return false;
    Promise.resolve()
      .then(() => handler(message))
      .then(sendResponse, () => sendResponse(null));
    return true;
  });

  async function init() {
    try {
      await loadStrings();
      state.stopWatching = PD.watch.watch(run);
      PD.payloads.onPayload(soon);
      await run();
    } catch {
      // never break the page
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init, { once: true });
  else init();
})();
