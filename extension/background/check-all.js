/*
 * "Check all awaiting orders": opens each order's tracking page in an inactive tab, one at
 * a time, waits until its capture has been diagnosed (the companion then remembers it),
 * closes it, and finally asks the list tab to refresh its overlays from GET /v1/orders.
 *
 * The job lives in chrome.storage.session, not in this module: Chrome stops a service worker
 * whenever it is idle or it chooses to, and a job of up to 100 tabs × 30 s outlives many
 * workers. Each step is saved before the next one starts, and a new worker resumes the saved
 * job when it starts (service-worker.js), whatever woke it: the checked tab's diagnosis, the
 * popup asking for progress. While a job runs, the worker keeps itself awake by asking for the
 * open tab every few seconds (an extension API call restarts Chrome's idle timer).
 */
import "../common/generated.js";
import "../common/messages.js";
import "../common/links.js";
import { toPopup } from "./tabs.js";
import { toTab } from "./tabs.js";

const { MSG, links } = globalThis.ParcelDoctor;
const PER_TAB_TIMEOUT_MS = 30000;
const KEEP_AWAKE_MS = 10000;
const MAX_ORDERS = 100;
const ORDER_ID = new RegExp(globalThis.ParcelDoctor.shared.ORDER_ID);
const JOB = "checkAll";
const IDLE = { running: false, total: 0, done: 0, failed: 0, current: null };

// Only this worker's view of the saved job: who waits for which tab, and whether it drives.
const waiters = new Map(); // tabId -> resolve(ok)
let driving = null;
let starting = Promise.resolve();

/**
 * The saved job: {running, total, done, failed, current, sourceTabId, windowId,
 * queue: order ids not yet done (the first one is open in tabId until deadline), closing: the
 * tab of the order just counted}.
 */
async function load() {
  const job = (await chrome.storage.session.get(JOB))[JOB];
  return job && typeof job === "object" ? job : null;
}

function save(job) {
  return chrome.storage.session.set({ [JOB]: job });
}

/**
 * A tab's diagnosis is written down too: it may arrive while no worker is waiting for it, or
 * just before the job has saved which tab it opened (so every tab's is kept while a job runs).
 */
const DIAGNOSED = "checkAllDiagnosed:";
const diagnosedKey = (tabId) => `${DIAGNOSED}${tabId}`;

/** The job's state to the popup and to the list tab (its own check-all button shows it too). */
async function announce(job) {
  const state = publicState(job);
  await toPopup({ type: MSG.SW_TO_POPUP_CHECK_ALL_PROGRESS, state });
  await toTab(job.sourceTabId, { type: MSG.SW_TO_CS_CHECK_ALL_PROGRESS, state });
}

function publicState(job) {
  const { running, total, done, failed, current } = job || IDLE;
  return { running, total, done, failed, current };
}

export async function checkAllState() {
  return publicState(await load());
}

/** Called by the diagnose handler after a successful diagnosis from a tab. */
export async function noteDiagnosed(tabId) {
  const job = await load();
  if (!job || !job.running) return;
  await chrome.storage.session.set({ [diagnosedKey(tabId)]: true });
  const waiter = waiters.get(tabId);
  if (waiter) waiter(true);
}

function waitForDiagnosis(tabId, deadline) {
  let timer;
  let awake;
  return new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    waiters.set(tabId, resolve);
    // Asked after the waiter is set, so a diagnosis arriving meanwhile is not missed.
    chrome.storage.session.get(diagnosedKey(tabId)).then((found) => {
      if (found[diagnosedKey(tabId)]) resolve(true);
    }, () => {});
    // A tab the user closed has nothing more to say; asking also keeps the worker awake.
    const stillOpen = () => chrome.tabs.get(tabId).catch(() => resolve(false));
    stillOpen();
    awake = setInterval(stillOpen, KEEP_AWAKE_MS);
  }).finally(() => {
    clearTimeout(timer);
    clearInterval(awake);
    waiters.delete(tabId);
  });
}

async function openNext(job) {
  const orderId = job.queue[0];
  let tab = null;
  try {
    tab = await chrome.tabs.create({ url: links.trackingPageUrl(orderId), active: false, windowId: job.windowId ?? undefined });
  } catch {
    tab = null;
  }
  if (tab) {
    Object.assign(job, { current: orderId, tabId: tab.id, deadline: Date.now() + PER_TAB_TIMEOUT_MS });
  } else {
    Object.assign(job, { queue: job.queue.slice(1), done: job.done + 1, failed: job.failed + 1 });
  }
  await save(job);
  await announce(job);
}

async function closeCurrent(job) {
  const ok = await waitForDiagnosis(job.tabId, job.deadline);
  const closing = job.tabId;
  Object.assign(job, { queue: job.queue.slice(1), done: job.done + 1, failed: job.failed + (ok ? 0 : 1), tabId: null, current: null, closing });
  await save(job);
  await announce(job);
}

/** Closes the tab just counted (a separate step, so a stopped worker neither recounts it nor leaves it open). */
async function closeTab(job) {
  await chrome.tabs.remove(job.closing).catch(() => {});
  await chrome.storage.session.remove(diagnosedKey(job.closing));
  job.closing = null;
  await save(job);
}

async function finish(job) {
  await toTab(job.sourceTabId, { type: MSG.SW_TO_CS_REFRESH_FROM_HISTORY });
  Object.assign(job, { running: false, current: null });
  await save(job);
  const keys = Object.keys(await chrome.storage.session.get(null)).filter((key) => key.startsWith(DIAGNOSED));
  await chrome.storage.session.remove(keys);
  await announce(job);
}

async function drive() {
  for (let job = await load(); job && job.running; job = await load()) {
    if (job.closing != null) await closeTab(job);
    else if (job.tabId != null) await closeCurrent(job);
    else if (job.queue.length > 0) await openNext(job);
    else await finish(job);
  }
}

/** Runs the saved job, if there is one, unless this worker already does. */
export function resumeCheckAll() {
  driving ??= drive()
    .catch(() => {})
    .finally(() => {
      driving = null;
    });
  return driving;
}

async function start(sourceTabId, orderIds) {
  const saved = await load();
  if (saved && saved.running) return { ok: false, error: { code: "busy" }, state: publicState(saved) };
  const ids = [...new Set(orderIds.filter((id) => typeof id === "string" && ORDER_ID.test(id)))].slice(0, MAX_ORDERS);
  let windowId = null;
  try {
    windowId = (await chrome.tabs.get(sourceTabId)).windowId;
  } catch {
    windowId = null;
  }
  const job = { ...IDLE, running: true, total: ids.length, sourceTabId, windowId, queue: ids, tabId: null, deadline: 0, closing: null };
  await save(job);
  resumeCheckAll();
  return { ok: true, state: publicState(job) };
}

/** Starts the job unless one is running; returns at once with the initial state. */
export function startCheckAll(sourceTabId, orderIds) {
  const result = starting.then(() => start(sourceTabId, orderIds));
  starting = result.catch(() => {});
  return result;
}
