/*
 * Which links the extension will ever show, and the two it builds itself.
 * The companion's action URLs and anything typed into the popup pass through safeUrl():
 * https only, and only to the hosts the companion's own templates name (common/generated.js).
 * Anything else is dropped, not rewritten.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  // The companion's own list (common/generated.js): every button it offers must survive here.
  const ALLOWED_HOSTS = new Set(PD.shared.LINK_HOSTS);

  /** The URL as a string when it is https on an allowed host (no credentials), else null. */
  function safeUrl(value) {
    if (typeof value !== "string" || value.length > 2048) return null;
    let url;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    if (url.protocol !== "https:" || url.username || url.password || url.port) return null;
    if (!ALLOWED_HOSTS.has(url.hostname)) return null;
    return url.href;
  }

  // Only the trackers are built here (popup number box); every other link comes from the companion.
  /** [{id, name, url}] tracker links for one tracking number, named in the given language. */
  function trackerLinks(number, lang = "ko") {
    return PD.shared.TRACKERS.map((t) => ({
      id: t.id,
      name: t.label[lang] || t.label.ko,
      url: safeUrl(t.url.replace("{number}", encodeURIComponent(number))),
    })).filter((link) => link.url);
  }

  function trackingPageUrl(orderId) {
    return PD.shared.TRACKING_PAGE.replace("{order_id}", encodeURIComponent(orderId));
  }

  // The pages the content script runs on (keep equal to manifest.json content_scripts.matches).
  const PAGE_PATTERNS = Object.freeze([
    "https://www.aliexpress.com/p/order/*",
    "https://www.aliexpress.com/p/tracking/*",
    "https://ko.aliexpress.com/p/order/*",
    "https://ko.aliexpress.com/p/tracking/*",
  ]);

  PD.links = Object.freeze({ safeUrl, trackerLinks, trackingPageUrl, ALLOWED_HOSTS, PAGE_PATTERNS });
})();
