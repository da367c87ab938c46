/*
 * Receives the JSON the MAIN-world hook (page/mtop-hook.js) copied from the page's own requests.
 * They arrive on a MessageChannel port the hook posts at document_start, before any page script
 * runs (and once more if this script asks and the first went unclaimed): the first port wins,
 * and window messages are never read as captures, since any page script can post one. What
 * comes through the port is still checked for shape.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const KEEP = 8; // the last few responses are enough: page 1 is in the HTML anyway
  const payloads = [];
  const listeners = new Set();
  let port = null;

  function isValid(data) {
    return (
      data !== null &&
      typeof data === "object" &&
      PD.shared.CAPTURED_APIS.includes(data.api) &&
      data.data !== null &&
      typeof data.data === "object" &&
      !Array.isArray(data.data)
    );
  }

  function receive(event) {
    try {
      if (!isValid(event.data)) return;
      payloads.push({ api: event.data.api, data: event.data.data });
      if (payloads.length > KEEP) payloads.shift();
      for (const listener of listeners) listener(event.data.api);
    } catch {
      // a bad message must not stop the relay
    }
  }

  function takePort(event) {
    try {
      const data = event.data;
      if (event.source !== window || !data || data.source !== PD.PORT_MESSAGE_SOURCE) return;
      // Later page scripts never see the hand-over (and cannot take the port) …
      event.stopImmediatePropagation();
      // … and a port posted after the hook's is not ours.
      if (port || !event.ports || event.ports.length !== 1) return;
      port = event.ports[0];
      port.onmessage = receive;
      window.removeEventListener("message", takePort, true);
    } catch {
      // ignore
    }
  }
  window.addEventListener("message", takePort, true);
  // The hook's first hand-over may have been posted and run before this script listened: ask
  // for it again, synchronously, while no page script can have run yet (page/mtop-hook.js).
  try {
    window.dispatchEvent(new Event(PD.PORT_ASK_EVENT));
  } catch {
    // the first hand-over stands
  }

  PD.payloads = Object.freeze({
    /** A copy of what was captured so far, oldest first. */
    all: () => payloads.slice(),
    has: (api) => payloads.some((p) => p.api === api),
    onPayload: (listener) => listeners.add(listener),
  });
})();
