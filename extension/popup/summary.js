/*
 * This tab's orders counted by cause (asked from its content script), and "check all
 * awaiting orders" with a <progress> bar fed by the service worker's progress messages.
 */
import "../common/generated.js";
import { MSG, toWorker, toTab, setResult } from "./runtime.js";
import { t } from "./i18n.js";
import { targetTab } from "./target-tab.js";

const SEVERITY_ORDER = [...globalThis.ParcelDoctor.shared.SEVERITIES].reverse(); // most urgent first
let tab = null;
let summary = null;

function groups(orders) {
  const byCause = new Map();
  for (const order of orders) {
    const cause = order.cause || "unknown";
    const group = byCause.get(cause) || { cause, title: order.title || cause, severity: order.severity, count: 0 };
    group.count += 1;
    byCause.set(cause, group);
  }
  return [...byCause.values()].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.count - a.count,
  );
}

function awaitingIds() {
  return ((summary && summary.orders) || [])
    .filter((o) => o.status === "awaiting_delivery")
    .map((o) => o.order_id);
}

function renderSummary() {
  const list = document.getElementById("summary");
  const template = document.getElementById("summary-row");
  const orders = (summary && summary.orders) || [];
  list.replaceChildren(
    ...groups(orders).map((group) => {
      const row = template.content.firstElementChild.cloneNode(true);
      row.dataset.cause = group.cause;
      row.dataset.severity = group.severity || "info";
      row.dataset.count = String(group.count);
      row.querySelector(".cause-title").textContent = group.title;
      row.querySelector(".count").textContent = t("popup_summaryCount", [group.count]);
      return row;
    }),
  );
  document.getElementById("summary-empty").hidden = orders.length > 0;
  const notice = ((summary && summary.notices) || [])[0];
  document.getElementById("page-notice").hidden = !notice;
  document.getElementById("page-notice-title").textContent = notice ? notice.title : "";
  document.getElementById("page-notice-text").textContent = notice ? notice.message : "";
  const button = document.getElementById("check-all");
  const ids = awaitingIds();
  button.disabled = ids.length === 0 || (summary && summary.kind) !== "order_list";
  button.textContent = t("popup_checkAllButtonCount", [ids.length]);
}

function renderProgress(state) {
  if (!state) return;
  const bar = document.getElementById("check-all-progress");
  const text = document.getElementById("check-all-text");
  const button = document.getElementById("check-all");
  if (state.total === 0 && !state.running) return;
  bar.hidden = false;
  bar.max = Math.max(state.total, 1);
  bar.value = state.done;
  if (state.running) {
    button.disabled = true;
    setResult(text, t("popup_checkAllRunning", [state.done, state.total]));
  } else {
    setResult(text, t("popup_checkAllDone", [state.done - state.failed, state.total]), state.failed > 0);
    refreshSummary();
  }
}

export async function refreshSummary() {
  tab = await targetTab();
  summary = tab ? await toTab(tab.id, MSG.POPUP_TO_CS_GET_SUMMARY) : null;
  renderSummary();
}

export async function setupSummary() {
  document.getElementById("check-all").addEventListener("click", async () => {
    if (!tab) return;
    const answer = await toWorker(MSG.POPUP_TO_SW_CHECK_ALL, { tabId: tab.id, orderIds: awaitingIds() });
    renderProgress(answer && answer.state);
  });
  chrome.runtime.onMessage.addListener((message) => {
    if (message && message.type === MSG.SW_TO_POPUP_CHECK_ALL_PROGRESS) renderProgress(message.state);
  });
  await refreshSummary();
  const state = await toWorker(MSG.POPUP_TO_SW_CHECK_ALL_STATE);
  if (state && state.running) renderProgress(state);
}
