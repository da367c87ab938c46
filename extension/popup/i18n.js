/*
 * Fills data-i18n (text), data-i18n-placeholder and data-i18n-aria-label from the chosen
 * language's messages.json. The language is the user's choice, not the browser's, so
 * chrome.i18n.getMessage (browser language only) is not used.
 */
import "../common/messages.js";
import "../common/format.js";
import "../common/strings.js";

const PD = globalThis.ParcelDoctor;
let table = {};

export function t(key, subs) {
  return PD.format.tr(table, key, subs);
}

export async function localize(lang, root = document) {
  table = await PD.strings.load(lang);
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
}
