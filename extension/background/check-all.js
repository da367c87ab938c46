/*
 * "Check all awaiting orders": opens each order's tracking page in an inactive tab, one at
 * a time, waits until its capture has been diagnosed (the companion then remembers it),
 * closes it, and finally asks the list tab to refresh its overlays from GET /v1/orders.
 * State lives here while it runs; the popup reads it and listens for progress.
 */
import "../common/messages.js";
import "../common/links.js";
import { toPopup } from "./tabs.js";
import { toTab } from "./tabs.js";

const { MSG, links } = globalThis.ParcelDoctor;
const PER_TAB_TIMEOUT_MS = 30000;
const MAX_ORDERS = 100;

let job = { running: false, total: 0, done: 0, failed: 0, current: null };
const waiters = new Map(); // tabId -> resolve(true)
const diagnosedTabs = new Set();

export function checkAllState() {
  return { ...job };
}

/** Called by the diagnose handler after a successful diagnosis from a tab. */
export function noteDiagnosed(tabId) {
  diagnosedTabs.add(tabId);
  const resolve = waiters.get(tabId);
  if (resolve) resolve(true);
}

function waitForDiagnosis(tabId) {
  if (diagnosedTabs.has(tabId)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), PER_TAB_TIMEOUT_MS);
    waiters.set(tabId, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
  }).finally(() => waiters.delete(tabId));
}

async function checkOne(orderId, windowId) {
  let tab = null;
  try {
    tab = await chrome.tabs.create({ url: links.trackingPageUrl(orderId), active: false, windowId });
    return await waitForDiagnosis(tab.id);
  } catch {
    return false;
  } finally {
    if (tab) {
      diagnosedTabs.delete(tab.id);
      await chrome.tabs.remove(tab.id).catch(() => {});
    }
  }
}

async function runJob(sourceTabId, orderIds) {
  let windowId;
  try {
    windowId = (await chrome.tabs.get(sourceTabId)).windowId;
  } catch {
    windowId = undefined;
  }
  for (const orderId of orderIds) {
    job.current = orderId;
    await progress(sourceTabId);
    const ok = await checkOne(orderId, windowId);
    job.done += 1;
    if (!ok) job.failed += 1;
  }
  job.current = null;
  await toTab(sourceTabId, { type: MSG.SW_TO_CS_REFRESH_FROM_HISTORY });
  job.running = false;
  await progress(sourceTabId);
}

/** The job's state to the popup and to the list tab (its own check-all button shows it too). */
async function progress(sourceTabId) {
  await toPopup({ type: MSG.SW_TO_POPUP_CHECK_ALL_PROGRESS, state: checkAllState() });
  await toTab(sourceTabId, { type: MSG.SW_TO_CS_CHECK_ALL_PROGRESS, state: checkAllState() });
}

/** Starts the job unless one is running; returns at once with the initial state. */
export function startCheckAll(sourceTabId, orderIds) {
  if (job.running) return { ok: false, error: { code: "busy" }, state: checkAllState() };
  const ids = [...new Set(orderIds.filter((id) => typeof id === "string" && /^\d{6,24}$/.test(id)))];
  job = { running: true, total: Math.min(ids.length, MAX_ORDERS), done: 0, failed: 0, current: null };
  runJob(sourceTabId, ids.slice(0, MAX_ORDERS)).catch(() => {
    job.running = false;
  });
  return { ok: true, state: checkAllState() };
}
