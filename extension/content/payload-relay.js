/*
 * Receives the JSON the MAIN-world hook copied from the page's own requests.
 * Only messages from this window, with our tag, a known api and an object body are kept:
 * any page script can post a message, so nothing else is trusted.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const KEEP = 8; // the last few responses are enough: page 1 is in the HTML anyway
  const payloads = [];
  const listeners = new Set();

  function isValid(data) {
    return (
      data !== null &&
      typeof data === "object" &&
      data.source === PD.PAGE_MESSAGE_SOURCE &&
      PD.CAPTURED_APIS.includes(data.api) &&
      data.data !== null &&
      typeof data.data === "object" &&
      !Array.isArray(data.data)
    );
  }

  window.addEventListener("message", (event) => {
    try {
      if (event.source !== window || !isValid(event.data)) return;
      payloads.push({ api: event.data.api, data: event.data.data });
      if (payloads.length > KEEP) payloads.shift();
      for (const listener of listeners) listener(event.data.api);
    } catch {
      // a bad message must not stop the relay
    }
  });

  PD.payloads = Object.freeze({
    /** A copy of what was captured so far, oldest first. */
    all: () => payloads.slice(),
    has: (api) => payloads.some((p) => p.api === api),
    onPayload: (listener) => listeners.add(listener),
  });
})();
