/*
 * "This tab": the active tab when it is an AliExpress order or tracking page, otherwise the
 * order page the user looked at last (the popup may also be open as a tab of its own).
 */
import "../common/generated.js";
import "../common/links.js";

const { PAGE_PATTERNS } = globalThis.ParcelDoctor.links;

export async function targetTab() {
  try {
    const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
    const orderTabs = await chrome.tabs.query({ url: PAGE_PATTERNS });
    if (active && orderTabs.some((tab) => tab.id === active.id)) return active;
    orderTabs.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
    return orderTabs[0] || null;
  } catch {
    return null;
  }
}
