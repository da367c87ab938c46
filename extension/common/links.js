/*
 * Which links the extension will ever show, and the two it builds itself.
 * The companion's action URLs and anything typed into the popup pass through safeUrl():
 * https only, and only to hosts a Korean AliExpress shopper needs (DESIGN §6, carriers.md §4).
 * Anything else is dropped, not rewritten.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});

  const ALLOWED_HOSTS = new Set([
    // trackers
    "t.17track.net",
    "www.17track.net",
    "global.cainiao.com",
    // customs
    "unipass.customs.go.kr",
    // AliExpress itself (tracking, order detail, dispute)
    "www.aliexpress.com",
    "ko.aliexpress.com",
    // Korean couriers (carriers.md §4)
    "www.cjlogistics.com",
    "trace.cjlogistics.com",
    "www.hanjin.com",
    "www.lotteglogis.com",
    "service.epost.go.kr",
    "items.ems.post",
    "www.ilogen.com",
    "kdexp.com",
    "www.ds3211.co.kr",
    "www.cupost.co.kr",
  ]);

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

  // Only these two are built here (popup number box); every other link comes from the companion.
  const TRACKER_TEMPLATES = Object.freeze([
    { id: "17track", name: "17TRACK", template: "https://t.17track.net/ko#nums=" },
    { id: "cainiao", name: "Cainiao", template: "https://global.cainiao.com/newDetail.htm?mailNoList=" },
  ]);

  /** [{id, name, url}] tracker links for one tracking number. */
  function trackerLinks(number) {
    return TRACKER_TEMPLATES.map((t) => ({
      id: t.id,
      name: t.name,
      url: safeUrl(t.template + encodeURIComponent(number)),
    })).filter((link) => link.url);
  }

  function trackingPageUrl(orderId) {
    return `https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=${encodeURIComponent(orderId)}`;
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
