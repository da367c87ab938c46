/*
 * Runs in the page's own world (MAIN) at document_start, before AliExpress's scripts.
 * It only listens: the order-list and tracking JSON the page itself loads (fetch, XHR, or
 * mtop's JSONP <script> callbacks) is copied to the isolated content script. It never changes
 * a request or a response, and every step is wrapped so a failure here can never break the page.
 *
 * Only what this hook captured may reach the companion (a forged capture drives live lookups
 * that carry the user's keys). So the copies travel on a private MessageChannel, not on
 * window.postMessage that any page script can call: the hook keeps port1 in this closure and
 * hands port2 to the content script in a message posted before any page script runs, and once
 * more only if that one went unclaimed and the content script asks (below);
 * content/payload-relay.js takes the first such port and ignores every later one. The
 * built-ins the capture relies on are taken now too, before a page script can replace them.
 *
 * The tags and api names repeat common/messages.js (PORT_MESSAGE_SOURCE, PORT_ASK_EVENT) and
 * common/generated.js (CAPTURED_APIS):
 * this world cannot load extension files without exposing them to the page.
 * tests/browser/test_extension_static.py keeps them equal.
 */
(() => {
  "use strict";
  const SOURCE = "parcel-doctor/mtop-port";
  const ASK = "parcel-doctor/mtop-port-ask";
  const APIS = ["mtop.ae.ld.querydetail", "mtop.aliexpress.trade.buyer.order.list"];
  const MAX_CHARS = 4 * 1024 * 1024;
  const JSONP = /^[\w$.]+\s*\(([\s\S]*)\)\s*;?$/;

  // The page's built-ins as they are before any page script runs.
  const { apply } = Reflect;
  const { parse, stringify } = JSON;
  const getter = (proto, name) => {
    const descriptor = proto && Object.getOwnPropertyDescriptor(proto, name);
    return descriptor && descriptor.get;
  };
  const then = Promise.prototype.then;
  const responseClone = window.Response && Response.prototype.clone;
  const responseText = window.Response && Response.prototype.text;
  const responseUrl = getter(window.Response && Response.prototype, "url");
  const xhrProto = window.XMLHttpRequest && XMLHttpRequest.prototype;
  const xhrResponseUrl = getter(xhrProto, "responseURL");
  const xhrResponseType = getter(xhrProto, "responseType");
  const xhrResponseText = getter(xhrProto, "responseText");
  const xhrResponse = getter(xhrProto, "response");
  const currentScript = getter(Document.prototype, "currentScript");
  const scriptSrc = getter(window.HTMLScriptElement && HTMLScriptElement.prototype, "src");
  const URLClass = URL;
  const urlPart = (name) => getter(URL.prototype, name);
  const [urlProtocol, urlHostname, urlPathname, urlParams] = ["protocol", "hostname", "pathname", "searchParams"].map(urlPart);
  const paramGet = URLSearchParams.prototype.get;
  const { toLowerCase, includes, endsWith, trim } = String.prototype;
  const exec = RegExp.prototype.exec;
  const portPost = MessagePort.prototype.postMessage;
  const call = (fn, self, ...args) => apply(fn, self, args);

  let port = null;
  function handOver() {
    try {
      const channel = new MessageChannel();
      port = channel.port1;
      window.postMessage({ source: SOURCE }, location.origin, [channel.port2]);
    } catch {
      port = null;
    }
  }
  handOver();

  // The hand-over can be lost: the message is a task, and a browser may run it before the
  // content script listens (Firefox compiles that script while the page waits, and runs other
  // tasks meanwhile). The relay then asks once, at its start and still before any page script,
  // with a synchronous event; the hook hands over a new port only if it saw its message go
  // unclaimed (the relay stops the one it takes). The first ask is the relay's: page scripts run
  // later, so theirs are ignored, and a port message seen after it is not ours to judge.
  let asked = false;
  let unclaimed = false;
  try {
    window.addEventListener("message", (event) => {
      try {
        if (!asked && event.source === window && event.data && event.data.source === SOURCE) unclaimed = true;
      } catch {
        // never break the page
      }
    });
    window.addEventListener(ASK, () => {
      if (asked) return;
      asked = true;
      if (unclaimed) handOver();
    }, true);
  } catch {
    // the first hand-over stands
  }

  /** The api a URL of AliExpress's own (https, *.aliexpress.com or this host) calls, else null. */
  function apiOf(url) {
    try {
      if (typeof url !== "string" || !url) return null;
      const parsed = new URLClass(url, location.href);
      const host = call(urlHostname, parsed);
      const ours = host === location.hostname || host === "aliexpress.com" || call(endsWith, host, ".aliexpress.com");
      if (call(urlProtocol, parsed) !== "https:" || !ours) return null;
      const path = call(toLowerCase, call(urlPathname, parsed));
      for (let i = 0; i < APIS.length; i++) if (call(includes, path, APIS[i])) return APIS[i];
      return null;
    } catch {
      return null;
    }
  }

  /** JSON or a JSONP body (mtopjsonp3({...})) -> object, else null. */
  function parseBody(text) {
    if (typeof text !== "string" || text.length > MAX_CHARS) return null;
    const body = call(trim, text);
    try {
      return parse(body);
    } catch {
      const m = call(exec, JSONP, body);
      if (!m) return null;
      try {
        return parse(m[1]);
      } catch {
        return null;
      }
    }
  }

  function forward(api, data) {
    try {
      if (!port || !api || !data || typeof data !== "object") return;
      // A plain JSON copy: no page prototypes or functions cross into the message.
      const json = stringify(data);
      if (typeof json !== "string" || json.length > MAX_CHARS) return;
      call(portPost, port, { api, data: parse(json) });
    } catch {
      // never let the hook throw into the page
    }
  }

  // fetch: read a clone of the response, hand the page its original untouched. The api is
  // read from the response's own URL, so an input object that names one URL and fetches
  // another cannot pass for an mtop answer.
  const originalFetch = window.fetch;
  if (typeof originalFetch === "function" && responseClone && responseText && responseUrl) {
    window.fetch = function fetch() {
      const result = apply(originalFetch, this, arguments);
      try {
        apply(then, result, [
          (response) => {
            const api = apiOf(call(responseUrl, response));
            if (!api) return;
            const text = call(responseText, call(responseClone, response));
            apply(then, text, [(body) => forward(api, parseBody(body)), () => {}]);
          },
          () => {},
        ]);
      } catch {
        // ignore
      }
      return result;
    };
  }

  // XMLHttpRequest: read the body on a real load event, the api from the final URL.
  if (xhrProto && xhrResponseUrl && xhrResponseType && xhrResponseText && xhrResponse) {
    const originalSend = xhrProto.send;
    xhrProto.send = function send() {
      try {
        const xhr = this;
        xhr.addEventListener("load", (event) => {
          try {
            if (!event.isTrusted) return; // an own, unforgeable property: no page script can fake it
            const api = apiOf(call(xhrResponseUrl, xhr));
            if (!api) return;
            const type = call(xhrResponseType, xhr);
            if (type === "json") forward(api, call(xhrResponse, xhr));
            else if (type === "" || type === "text") forward(api, parseBody(call(xhrResponseText, xhr)));
          } catch {
            // ignore
          }
        });
      } catch {
        // ignore
      }
      return apply(originalSend, this, arguments);
    };
  }

  // mtop JSONP: the page defines window[callback] and then appends <script src=…&callback=…>.
  // Wrap that callback as the script is inserted, before it loads; forward only the call made
  // while that very script runs (a page script calling the callback itself is not a capture).
  function wrapJsonp(script) {
    try {
      const src = call(scriptSrc, script);
      const api = apiOf(src);
      if (!api) return;
      const name = call(paramGet, call(urlParams, new URLClass(src, location.href)), "callback");
      if (!name || !/^[\w$]+$/.test(name)) return;
      const original = window[name];
      if (typeof original !== "function" || original.__parcelDoctor) return;
      const wrapped = function () {
        if (call(currentScript, document) === script) forward(api, arguments[0]);
        return apply(original, this, arguments);
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
          if (node.nodeName === "SCRIPT") wrapJsonp(node);
        }
      }
    }).observe(document.documentElement || document, { childList: true, subtree: true });
  } catch {
    // ignore
  }
})();
