/*
 * Messages from the service worker to content scripts and the popup. A missing receiver
 * (a closed popup, a tab without our script) is normal and never an error.
 */
import "../common/generated.js";
import "../common/messages.js";
import "../common/links.js";

const { PAGE_PATTERNS } = globalThis.ParcelDoctor.links;

export async function toTab(tabId, message) {
  try {
    return await chrome.tabs.sendMessage(tabId, message);
  } catch {
    return null;
  }
}

/** Sends one message to every open AliExpress order/tracking tab. */
export async function toOrderTabs(message) {
  const tabs = await chrome.tabs.query({ url: PAGE_PATTERNS });
  await Promise.all(tabs.map((tab) => toTab(tab.id, message)));
}

export async function toPopup(message) {
  try {
    await chrome.runtime.sendMessage(message);
  } catch {
    // the popup is closed
  }
}
