/*
 * Dashboard entry: every order the companion remembers, through the service worker (no web page
 * ever gets this data). Sorted by the companion (what needs the user first); filtered and
 * searched here; rows are added 100 at a time so 1,000 orders stay quick to show.
 */
import "../common/generated.js";
import "../common/messages.js";
import { localize, t } from "../popup/i18n.js";
import { saveJson } from "../popup/download.js";
import { orderRow, numbersOf } from "./rows.js";

const PD = globalThis.ParcelDoctor;
const { MSG, STATE } = PD;
const STEP = 100;
// Written whole so every key stays greppable (tests/browser/test_locales.py).
const CAUSE_KEYS = Object.freeze({
  not_shipped: "dashboard_cause_not_shipped",
  number_not_issued: "dashboard_cause_number_not_issued",
  update_delay: "dashboard_cause_update_delay",
  untracked_service: "dashboard_cause_untracked_service",
  customs_in_progress: "dashboard_cause_customs_in_progress",
  customs_hold: "dashboard_cause_customs_hold",
  carrier_system_error: "dashboard_cause_carrier_system_error",
  handed_over: "dashboard_cause_handed_over",
  stalled: "dashboard_cause_stalled",
  refund_eligible: "dashboard_cause_refund_eligible",
  protection_ending: "dashboard_cause_protection_ending",
  in_transit: "dashboard_cause_in_transit",
  delivered: "dashboard_cause_delivered",
  tracking_not_checked: "dashboard_cause_tracking_not_checked",
  not_paid: "dashboard_cause_not_paid",
  cancelled: "dashboard_cause_cancelled",
  unknown: "dashboard_cause_unknown",
});
const METHOD_KEYS = Object.freeze({
  choice: "dashboard_method_choice",
  standard: "dashboard_method_standard",
  express: "dashboard_method_express",
  epacket: "dashboard_method_epacket",
  economy: "dashboard_method_economy",
  other: "dashboard_method_other",
});
const STATUS_KEYS = Object.freeze({
  awaiting_payment: "dashboard_status_awaiting_payment",
  awaiting_shipment: "dashboard_status_awaiting_shipment",
  awaiting_delivery: "dashboard_status_awaiting_delivery",
  completed: "dashboard_status_completed",
  cancelled: "dashboard_status_cancelled",
  unknown: "dashboard_status_unknown",
});

const view = { data: null, lang: "ko", filtered: [], shown: 0, cause: "", status: "", query: "" };
const $ = (id) => document.getElementById(id);

function send(message) {
  return chrome.runtime.sendMessage(message).catch(() => ({ ok: false, error: { code: "internal" } }));
}

function setState(state, text) {
  const node = $("state");
  node.dataset.state = state;
  node.replaceChildren(text);
  node.hidden = state === "ready";
}

function offlineText(code) {
  if (code === STATE.UNPAIRED) return document.createTextNode(t("dashboard_unpaired"));
  if (code !== STATE.OFFLINE) return document.createTextNode(t("dashboard_error"));
  const text = document.createDocumentFragment();
  const command = document.createElement("code");
  command.textContent = PD.START_COMMAND;
  text.append(t("dashboard_offline"), " ", command);
  return text;
}

function matches(order) {
  const cause = (order.diagnosis && order.diagnosis.cause) || "unknown";
  if (view.cause && cause !== view.cause) return false;
  if (view.status && order.status !== view.status) return false;
  if (!view.query) return true;
  const query = view.query.replace(/[\s-]/g, "").toUpperCase();
  return order.order_id.includes(query) || numbersOf(order).some((n) => n.toUpperCase().includes(query));
}

function renderMore() {
  const list = $("orders");
  const next = view.filtered.slice(view.shown, view.shown + STEP);
  const rows = next.map((order) => orderRow(order, { lang: view.lang, today: view.data.today, onForget: forget }));
  list.append(...rows);
  view.shown += next.length;
  $("more").hidden = view.shown >= view.filtered.length;
  $("shown").textContent = t("dashboard_shown", [String(view.filtered.length), String(view.data.orders.length)]);
}

function renderOrders() {
  view.filtered = view.data.orders.filter(matches);
  view.shown = 0;
  $("orders").replaceChildren();
  renderMore();
  for (const chip of $("cause-counts").children) chip.setAttribute("aria-pressed", String(chip.dataset.cause === view.cause));
}

function causeTitle(cause) {
  return Object.hasOwn(CAUSE_KEYS, cause) ? t(CAUSE_KEYS[cause]) : cause;
}

function renderOverview() {
  const { summary } = view.data;
  const causes = Object.entries(summary.causes).sort((a, b) => b[1] - a[1]);
  const chips = causes.map(([cause, count]) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.dataset.cause = cause;
    chip.setAttribute("aria-pressed", "false");
    const name = document.createElement("span");
    name.textContent = causeTitle(cause);
    const number = document.createElement("span");
    number.className = "count";
    number.textContent = String(count);
    chip.append(name, number);
    chip.addEventListener("click", () => {
      view.cause = view.cause === cause ? "" : cause;
      $("cause-filter").value = view.cause;
      renderOrders();
    });
    return chip;
  });
  $("cause-counts").replaceChildren(...chips);

  const select = $("cause-filter");
  select.replaceChildren(select.options[0]);
  for (const [cause] of causes) select.append(new Option(causeTitle(cause), cause));
  select.value = view.cause;

  const statuses = [...new Set(view.data.orders.map((o) => o.status))];
  const status = $("status-filter");
  status.replaceChildren(status.options[0]);
  for (const code of statuses) status.append(new Option(t(STATUS_KEYS[code] || STATUS_KEYS.unknown), code));
  status.value = view.status;

  const usual = summary.delivery_days.map((figure) => {
    const item = document.createElement("li");
    item.dataset.method = figure.method;
    item.textContent = t("dashboard_usualLine", [
      t(METHOD_KEYS[figure.method] || METHOD_KEYS.other),
      String(Math.round(figure.median_days)),
      String(figure.count),
    ]);
    return item;
  });
  $("usual-days").replaceChildren(...usual);
  $("usual-empty").hidden = usual.length > 0;
}

async function forget(order, row) {
  const answer = await send({ type: MSG.DASHBOARD_TO_SW_FORGET, orderId: order.order_id });
  if (!answer || !answer.ok) {
    setState("error", document.createTextNode(t("dashboard_forgetFailed")));
    $("state").hidden = false;
    return;
  }
  view.data.orders = view.data.orders.filter((o) => o.order_id !== order.order_id);
  const cause = (order.diagnosis && order.diagnosis.cause) || "unknown";
  view.data.summary.causes[cause] -= 1;
  if (view.data.summary.causes[cause] <= 0) delete view.data.summary.causes[cause];
  if (view.cause && !view.data.summary.causes[view.cause]) view.cause = "";
  row.remove();
  renderOverview();
  renderOrders();
}

async function exportHistory() {
  const answer = await send({ type: MSG.DASHBOARD_TO_SW_EXPORT });
  if (!answer || !answer.ok) {
    setState("error", offlineText(answer && answer.error && answer.error.code));
    return;
  }
  saveJson(answer.data, `parcel-doctor-history-${view.data ? view.data.today : "export"}.json`, 2);
}

function wire() {
  $("search").addEventListener("input", (event) => {
    view.query = event.target.value.trim();
    renderOrders();
  });
  $("status-filter").addEventListener("change", (event) => {
    view.status = event.target.value;
    renderOrders();
  });
  $("cause-filter").addEventListener("change", (event) => {
    view.cause = event.target.value;
    renderOrders();
  });
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  $("more").addEventListener("click", renderMore);
  $("export").addEventListener("click", exportHistory);
}

/** dashboard.html#order=<id>: the overlay's link opens the page on that order. */
function focusFromHash() {
  const match = /^#order=(.*)$/.exec(location.hash);
  if (!match || !new RegExp(PD.shared.ORDER_ID).test(match[1])) return;
  $("search").value = match[1];
  view.query = match[1];
  renderOrders();
  const row = document.getElementById(`order-${match[1]}`);
  if (row) row.focus();
}

async function main() {
  const status = await send({ type: MSG.DASHBOARD_TO_SW_GET_STATUS });
  view.lang = (status && status.lang) || "ko";
  await localize(view.lang);
  wire();
  const answer = await send({ type: MSG.DASHBOARD_TO_SW_GET, lang: view.lang });
  if (!answer || !answer.ok) {
    setState((answer && answer.error && answer.error.code) === STATE.OFFLINE ? "offline" : "error", offlineText(answer && answer.error && answer.error.code));
    document.body.dataset.ready = "true";
    return;
  }
  view.data = answer;
  setState("ready", document.createTextNode(""));
  $("overview").hidden = false;
  $("orders-section").hidden = false;
  renderOverview();
  renderOrders();
  focusFromHash();
  document.body.dataset.ready = "true"; // for tests and users' own scripts: the first rows are drawn
}

main();
