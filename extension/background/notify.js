/*
 * "변경 알림 받기" (docs/design.md §12): opt-in background re-checks, one browser notification
 * per order per change that needs the user, and the toolbar count of orders that need action.
 *
 * Off by default. The popup's switch asks for the optional permissions "alarms" and
 * "notifications"; with them granted and the switch on, an alarm about every 6 hours (and the
 * browser's start) asks the companion to re-check the orders still on their way
 * (POST /v1/refresh). Everything the feature remembers is in chrome.storage.local:
 *   notifySettings   {enabled, quietFrom, quietTo}: the switch and the quiet hours (Seoul time)
 *   notifyDone       ["<order id>:<cause>[:<domestic number>]", …]: changes already notified
 *   notifyQueue      [{id, title, message}]: notifications held through the quiet hours
 *   actionOrders     [order id, …]: the orders whose diagnosis asks the user to act (the badge)
 * A companion that does not answer is simply asked again at the next alarm: nothing is shown.
 */
import "../common/generated.js";
import "../common/links.js";
import "../common/format.js";
import "../common/strings.js";
import { request } from "./companion-client.js";
import { getSettings } from "./settings.js";

const { links, format, strings } = globalThis.ParcelDoctor;
const ORDER_ID = new RegExp(globalThis.ParcelDoctor.shared.ORDER_ID);

export const ALARM = "parcel-doctor-recheck";
// Every 6 hours, give or take up to 30 minutes at random: often enough for a customs hold or a
// protection deadline (counted in days), rare enough to ask the providers no more than a
// shopper opening their order list four times a day; the jitter keeps the re-checks from
// falling on the same minutes every day.
const PERIOD_MINUTES = 6 * 60;
const JITTER_MINUTES = 30;
// A night without notifications, 22:00–08:00 in Seoul, unless the user stored other hours.
const QUIET = { quietFrom: 22, quietTo: 8 };
const SEOUL_OFFSET_HOURS = 9; // Korea keeps no daylight saving time
const DONE_MAX = 1000; // changes remembered as notified; the oldest are forgotten first
const SETTINGS = "notifySettings";
const DONE = "notifyDone";
const QUEUE = "notifyQueue";
const ACTION = "actionOrders";
const PERMISSIONS = { permissions: ["alarms", "notifications"] };
const ID_PREFIX = "parcel-doctor:";

// What each cause that needs the user says, in the user's language (_locales): title and text.
const WORDS = Object.freeze({
  customs_hold: ["notify_customsHoldTitle", "notify_customsHoldMessage"],
  protection_ending: ["notify_protectionEndingTitle", "notify_protectionEndingMessage"],
  refund_eligible: ["notify_refundEligibleTitle", "notify_refundEligibleMessage"],
  handed_over: ["notify_handedOverTitle", "notify_handedOverMessage"],
  delivered: ["notify_deliveredTitle", "notify_deliveredMessage"],
});

export async function notifySettings() {
  const stored = (await chrome.storage.local.get(SETTINGS))[SETTINGS] || {};
  const hour = (value, fallback) => (Number.isInteger(value) && value >= 0 && value <= 23 ? value : fallback);
  return {
    enabled: stored.enabled === true,
    quietFrom: hour(stored.quietFrom, QUIET.quietFrom),
    quietTo: hour(stored.quietTo, QUIET.quietTo),
  };
}

/** Whether the switch is on and the browser granted what it needs. */
async function active() {
  const settings = await notifySettings();
  if (!settings.enabled || !chrome.alarms || !chrome.notifications) return false;
  return chrome.permissions.contains(PERMISSIONS).catch(() => false);
}

/** The popup's switch: on schedules the re-checks (and runs one now), off stops them. */
export async function setNotify(message) {
  const enabled = message.enabled === true;
  const settings = await notifySettings();
  await chrome.storage.local.set({ [SETTINGS]: { ...settings, enabled } });
  if (!enabled) {
    if (chrome.alarms) await chrome.alarms.clear(ALARM);
    await chrome.storage.local.remove(QUEUE);
    return { ok: true, enabled };
  }
  if (!(await active())) return { ok: false, error: { code: "permission" } };
  await schedule();
  await recheck();
  return { ok: true, enabled };
}

export async function getNotify() {
  return { ok: true, ...(await notifySettings()) };
}

function schedule() {
  const minutes = PERIOD_MINUTES + (Math.random() * 2 - 1) * JITTER_MINUTES;
  return chrome.alarms.create(ALARM, { when: Date.now() + minutes * 60 * 1000 });
}

/** Whether the hour in Seoul falls in the quiet period (which may run over midnight). */
export function quietAt(now, { quietFrom, quietTo }) {
  const hour = (now.getUTCHours() + SEOUL_OFFSET_HOURS) % 24;
  if (quietFrom === quietTo) return false;
  return quietFrom < quietTo ? hour >= quietFrom && hour < quietTo : hour >= quietFrom || hour < quietTo;
}

/**
 * One background re-check: what the alarm and the browser's start run (and the switch, once,
 * when turned on). Shows what was held through the night, asks the companion what changed,
 * notifies each new change once (or holds it while it is quiet), and updates the badge.
 */
export async function recheck() {
  if (!(await active())) return { ok: false, reason: "off" };
  const settings = await notifySettings();
  const quiet = quietAt(new Date(), settings);
  if (!quiet) await flush();
  const { lang } = await getSettings();
  const answer = await request("/refresh", { method: "POST", body: { lang: lang || "ko" } });
  if (!answer.ok) return { ok: false, reason: answer.error.code }; // asked again next time
  const data = answer.data || {};
  await setActionOrders(Array.isArray(data.action_orders) ? data.action_orders : []);
  const table = await strings.load(lang || "ko");
  const done = new Set((await chrome.storage.local.get(DONE))[DONE] || []);
  const fresh = [];
  for (const change of Array.isArray(data.changed) ? data.changed : []) {
    const note = notification(change, table);
    if (!note || done.has(note.key)) continue;
    done.add(note.key);
    fresh.push(note);
  }
  if (fresh.length) await chrome.storage.local.set({ [DONE]: [...done].slice(-DONE_MAX) });
  const shown = fresh.map(({ id, title, message }) => ({ id, title, message }));
  if (quiet) {
    const queue = (await chrome.storage.local.get(QUEUE))[QUEUE] || [];
    await chrome.storage.local.set({ [QUEUE]: [...queue, ...shown] });
  } else {
    for (const note of shown) await show(note);
  }
  return { ok: true, notified: quiet ? [] : shown, held: quiet ? shown : [] };
}

/** The notification for one change the user should hear about, or null. */
function notification(change, table) {
  if (!change || typeof change.order_id !== "string" || !ORDER_ID.test(change.order_id)) return null;
  const words = Object.hasOwn(WORDS, change.after) ? WORDS[change.after] : null;
  if (!words) return null;
  const number = typeof change.domestic_number === "string" && /^[A-Za-z0-9-]{1,40}$/.test(change.domestic_number)
    ? change.domestic_number
    : "";
  const [titleKey, messageKey] = change.after === "handed_over" && !number
    ? ["notify_handedOverTitle", "notify_handedOverNoNumberMessage"]
    : words;
  const key = [change.order_id, change.after, number].filter(Boolean).join(":");
  return {
    key,
    id: `${ID_PREFIX}${key}`,
    title: format.tr(table, titleKey),
    message: format.tr(table, messageKey, [change.order_id, number]),
  };
}

async function show({ id, title, message }) {
  await chrome.notifications.create(id, {
    type: "basic",
    iconUrl: chrome.runtime.getURL("icons/icon-128.png"),
    title,
    message,
  });
}

async function flush() {
  const queue = (await chrome.storage.local.get(QUEUE))[QUEUE] || [];
  if (!queue.length) return;
  await chrome.storage.local.remove(QUEUE);
  for (const note of queue) await show(note);
}

/** A click opens the order's AliExpress tracking page. */
export async function opened(notificationId) {
  if (typeof notificationId !== "string" || !notificationId.startsWith(ID_PREFIX)) return;
  const orderId = notificationId.slice(ID_PREFIX.length).split(":")[0];
  const url = ORDER_ID.test(orderId) ? links.safeUrl(links.trackingPageUrl(orderId)) : null;
  if (url) await chrome.tabs.create({ url });
  await chrome.notifications.clear(notificationId);
}

export async function alarmRang(alarm) {
  if (!alarm || alarm.name !== ALARM) return;
  if (!(await active())) return;
  await schedule(); // the next one first: a worker stopped mid-way still leaves one set
  await recheck();
}

export async function browserStarted() {
  if (!(await active())) return;
  const pending = await chrome.alarms.get(ALARM);
  if (!pending) await schedule();
  await recheck();
}

// --- the toolbar count -----------------------------------------------------------------------

async function setActionOrders(ids) {
  const clean = [...new Set(ids.filter((id) => typeof id === "string"))];
  await chrome.storage.local.set({ [ACTION]: clean });
  await chrome.action.setBadgeText({ text: clean.length ? String(clean.length) : "" });
}

/** After a capture: its orders join (or leave) the count of orders that need action. */
export async function noteCapture(orders) {
  if (!Array.isArray(orders)) return;
  const ids = new Set((await chrome.storage.local.get(ACTION))[ACTION] || []);
  for (const order of orders) {
    if (!order || typeof order.order_id !== "string" || !order.diagnosis) continue;
    if (order.diagnosis.severity === "action") ids.add(order.order_id);
    else ids.delete(order.order_id);
  }
  await setActionOrders([...ids]);
}

// For tests and users' own scripts (docs/design.md §10): the re-check the alarm runs and what a
// click on a notification does, by hand.
globalThis.ParcelDoctor.recheck = recheck;
globalThis.ParcelDoctor.notificationClicked = opened;
