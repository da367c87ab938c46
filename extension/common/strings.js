/*
 * Loads a _locales/<lang>/messages.json table from the extension itself. The service worker
 * serves it to content scripts (they cannot read extension files without exposing them to
 * the page); the popup loads it directly.
 */
"use strict";
(() => {
  const PD = (globalThis.ParcelDoctor ??= {});
  const cache = new Map();

  /** "ko" | "en": the stored choice wins, then an English page, then Korean. */
  function resolveLang(stored, pageLang) {
    if (PD.LANGS.includes(stored)) return stored;
    return /^en\b/i.test(String(pageLang || "")) ? "en" : "ko";
  }

  async function load(lang) {
    const code = PD.LANGS.includes(lang) ? lang : "ko";
    if (!cache.has(code)) {
      const url = chrome.runtime.getURL(`_locales/${code}/messages.json`);
      cache.set(code, fetch(url).then((r) => r.json()));
    }
    try {
      return await cache.get(code);
    } catch {
      cache.delete(code);
      return {};
    }
  }

  PD.strings = Object.freeze({ load, resolveLang });
})();
