/*
 * Runs in the page's own world (MAIN) at document_start, before AliExpress's scripts.
 * It only listens: the order-list and tracking JSON the page itself loads (fetch, XHR, or
 * mtop's JSONP <script> callbacks) is copied to the isolated content script through
 * window.postMessage. It never changes a request or a response, and every step is wrapped
 * so a failure here can never break the page.
 *
 * The tag and api names repeat common/messages.js (PAGE_MESSAGE_SOURCE, CAPTURED_APIS):
 * this world cannot load extension modules. tests/browser/test_locales.py keeps them equal.
 */
(() => {
  "use strict";
  const SOURCE = "parcel-doctor/mtop";
  const APIS = ["mtop.ae.ld.querydetail", "mtop.aliexpress.trade.buyer.order.list"];
  const MAX_CHARS = 4 * 1024 * 1024;
  const JSONP = /^[\w$.]+\s*\(([\s\S]*)\)\s*;?$/;

  function apiOf(url) {
    const text = String(url || "").toLowerCase();
    return APIS.find((api) => text.includes(api)) || null;
  }

  /** JSON or a JSONP body (mtopjsonp3({...})) -> object, else null. */
  function parseBody(text) {
    if (typeof text !== "string" || text.length > MAX_CHARS) return null;
    const body = text.trim();
    try {
      return JSON.parse(body);
    } catch {
      const m = JSONP.exec(body);
      if (!m) return null;
      try {
        return JSON.parse(m[1]);
      } catch {
        return null;
      }
    }
  }

  function forward(api, data) {
    try {
      if (!api || !data || typeof data !== "object") return;
      // A plain JSON copy: no page prototypes or functions cross into the message.
      const json = JSON.stringify(data);
      if (json.length > MAX_CHARS) return;
      window.postMessage({ source: SOURCE, api, data: JSON.parse(json) }, location.origin);
    } catch {
      // never let the hook throw into the page
    }
  }

  // fetch: read a clone of the response, hand the page its original untouched.
  const originalFetch = window.fetch;
  if (typeof originalFetch === "function") {
    window.fetch = function fetch(input, init) {
      const result = originalFetch.apply(this, arguments);
      try {
        const url = typeof input === "string" ? input : input && (input.url || input.href);
        const api = apiOf(url);
        if (api) {
          result
            .then((response) => response.clone().text())
            .then((text) => forward(api, parseBody(text)))
            .catch(() => {});
        }
      } catch {
        // ignore
      }
      return result;
    };
  }

  // XMLHttpRequest: remember the api at open(), read the body on load.
  const xhrApi = new WeakMap();
  const proto = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (proto) {
    const originalOpen = proto.open;
    const originalSend = proto.send;
    proto.open = function open(method, url) {
      try {
        xhrApi.set(this, apiOf(url));
      } catch {
        // ignore
      }
      return originalOpen.apply(this, arguments);
    };
    proto.send = function send() {
      try {
        const api = xhrApi.get(this);
        if (api) {
          this.addEventListener("load", () => {
            try {
              if (this.responseType === "json") forward(api, this.response);
              else if (this.responseType === "" || this.responseType === "text") {
                forward(api, parseBody(this.responseText));
              }
            } catch {
              // ignore
            }
          });
        }
      } catch {
        // ignore
      }
      return originalSend.apply(this, arguments);
    };
  }

  // mtop JSONP: the page defines window[callback] and then appends <script src=…&callback=…>.
  // Wrap that callback as the script is inserted, before it loads.
  function wrapJsonp(script) {
    try {
      const api = apiOf(script.src);
      if (!api) return;
      const name = new URL(script.src, location.href).searchParams.get("callback");
      if (!name || !/^[\w$]+$/.test(name)) return;
      const original = window[name];
      if (typeof original !== "function" || original.__parcelDoctor) return;
      const wrapped = function () {
        forward(api, arguments[0]);
        return original.apply(this, arguments);
      };
      Object.defineProperty(wrapped, "__parcelDoctor", { value: true });
      window[name] = wrapped;
    } catch {
      // ignore
    }
  }
  try {
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeName === "SCRIPT" && node.src) wrapJsonp(node);
        }
      }
    }).observe(document.documentElement || document, { childList: true, subtree: true });
  } catch {
    // ignore
  }
})();
