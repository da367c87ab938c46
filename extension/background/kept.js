/*
 * The last diagnosis of each order, kept in chrome.storage.local with the time it was made,
 * so a page can still show it (greyed, "마지막 확인: 12월 1일") while the companion is off.
 * Only what the overlay shows is kept; the newest KEEP_MAX orders.
 */
const KEY = "keptDiagnoses";
const KEEP_MAX = 300;

/** Keeps each order of a diagnose answer with the capture's time. */
export async function keep(orders, capturedAt) {
  if (!Array.isArray(orders) || typeof capturedAt !== "string") return;
  const stored = (await chrome.storage.local.get(KEY))[KEY] || {};
  for (const order of orders) {
    if (!order || typeof order.order_id !== "string" || !order.diagnosis) continue;
    const { order_id, status, age, parcels, diagnosis } = order;
    stored[order_id] = { order: { order_id, status, age, parcels, diagnosis }, capturedAt };
  }
  const newest = Object.entries(stored)
    .sort((a, b) => String(b[1].capturedAt).localeCompare(String(a[1].capturedAt)))
    .slice(0, KEEP_MAX);
  await chrome.storage.local.set({ [KEY]: Object.fromEntries(newest) });
}

/** [{order, capturedAt}] for the ids asked that were kept. */
export async function kept(orderIds) {
  if (!Array.isArray(orderIds)) return [];
  const stored = (await chrome.storage.local.get(KEY))[KEY] || {};
  return orderIds.filter((id) => typeof id === "string" && Object.hasOwn(stored, id)).map((id) => stored[id]);
}
