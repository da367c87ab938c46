/*
 * The dashboard page's data, from the companion through the service worker (the only holder of
 * the token): every remembered order, forgetting one, and the history export.
 */
import "../common/generated.js";
import "../common/messages.js";
import { request } from "./companion-client.js";

const ORDER_ID = new RegExp(globalThis.ParcelDoctor.shared.ORDER_ID);
const PAGE = 500; // orders per request; a few requests cover any real history
const MOST_PAGES = 10;

export async function getDashboard(message) {
  const lang = message.lang === "en" ? "en" : "ko";
  let answer = null;
  const orders = [];
  let offset = 0;
  for (let page = 0; page < MOST_PAGES; page++) {
    answer = await request(`/dashboard?lang=${lang}&limit=${PAGE}&offset=${offset}`);
    if (!answer.ok) return { ok: false, error: answer.error };
    orders.push(...(answer.data.orders || []));
    if (answer.data.next_offset == null) break;
    offset = answer.data.next_offset;
  }
  return { ok: true, today: answer.data.today, summary: answer.data.summary, orders };
}

export async function forgetOrder(message) {
  if (typeof message.orderId !== "string" || !ORDER_ID.test(message.orderId)) {
    return { ok: false, error: { code: "bad_order" } };
  }
  const answer = await request(`/orders/${message.orderId}`, { method: "DELETE" });
  return answer.ok ? { ok: true } : { ok: false, error: answer.error };
}

export async function exportHistory() {
  const answer = await request("/export");
  return answer.ok ? { ok: true, data: answer.data } : { ok: false, error: answer.error };
}

/** Opens the dashboard in a new tab, on one order when asked from its overlay. */
export async function openDashboard(message) {
  const base = chrome.runtime.getURL("dashboard/dashboard.html");
  const orderId = typeof message.orderId === "string" && ORDER_ID.test(message.orderId) ? message.orderId : null;
  await chrome.tabs.create({ url: orderId ? `${base}#order=${orderId}` : base });
  return { ok: true };
}
