/*
 * Popup -> service worker / content script messaging, never throwing.
 */
import "../common/messages.js";

export const { MSG, STATE } = globalThis.ParcelDoctor;

export async function toWorker(type, payload = {}) {
  try {
    return await chrome.runtime.sendMessage({ type, ...payload });
  } catch {
    return null;
  }
}

export async function toTab(tabId, type) {
  try {
    return await chrome.tabs.sendMessage(tabId, { type });
  } catch {
    return null;
  }
}

/** Shows a result line; error lines are styled as such. */
export function setResult(el, text, isError = false) {
  el.textContent = text;
  el.classList.toggle("error", isError);
}
