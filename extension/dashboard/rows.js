/*
 * One order of the dashboard: what needs doing (severity in words and colour), the item, its
 * age and protection countdown, the last event, the next step's link, each parcel's journey,
 * and "잊기". Test hooks (stable): data-parcel-doctor-dashboard-order and data-cause on the row.
 */
import "../common/generated.js";
import "../common/links.js";
import "../common/format.js";
import { t } from "../popup/i18n.js";
import { timeline } from "./timeline.js";

const PD = globalThis.ParcelDoctor;
// Written whole so every key stays greppable (tests/browser/test_locales.py).
const SEVERITY_KEYS = Object.freeze({
  action: "dashboard_severity_action",
  wait: "dashboard_severity_wait",
  info: "dashboard_severity_info",
  ok: "dashboard_severity_ok",
});

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function day(lang, iso, todayIso) {
  const ms = PD.format.calendarDay(iso);
  return ms == null ? iso : PD.format.formatDay(lang, ms, PD.format.calendarDay(todayIso));
}

function protection(order, lang, today) {
  if (order.protection_days_left == null) return null;
  const until = day(lang, order.protection_until, today);
  const left = order.protection_days_left;
  const node = el(
    "span",
    "protection",
    left >= 0 ? t("dashboard_protectionLeft", [String(left), until]) : t("dashboard_protectionOver", [until]),
  );
  node.dataset.ending = String(left <= PD.shared.PROTECTION_WARNING_DAYS);
  return node;
}

/** The <li> for one order; ``onForget(order)`` is called after the user confirms. */
export function orderRow(order, { lang, today, onForget }) {
  const diagnosis = order.diagnosis || {};
  const severity = Object.hasOwn(SEVERITY_KEYS, diagnosis.severity) ? diagnosis.severity : "info";
  const row = el("li", "order");
  row.dataset.parcelDoctorDashboardOrder = order.order_id;
  row.dataset.cause = diagnosis.cause || "unknown";
  row.dataset.severity = severity;
  row.dataset.status = order.status;
  row.id = `order-${order.order_id}`;
  row.tabIndex = -1;

  const head = el("div", "order-head");
  head.append(el("span", "sev", t(SEVERITY_KEYS[severity] || SEVERITY_KEYS.info)));
  head.append(el("span", "cause-title", diagnosis.title || t("dashboard_noDiagnosis")));
  head.append(el("span", "order-title", order.item_title || t("dashboard_noItem")));
  row.append(head);

  const meta = el("div", "order-meta");
  meta.append(el("span", "order-id", t("dashboard_orderId", [order.order_id])));
  if (order.ordered_on) {
    const age = (order.order_age_days ?? 0) + 1; // the order day itself is day 1
    meta.append(el("span", "order-age", t("dashboard_orderAge", [day(lang, order.ordered_on, today), String(age)])));
  }
  if (order.status_text) meta.append(el("span", "status", order.status_text));
  const countdown = protection(order, lang, today);
  if (countdown) meta.append(countdown);
  row.append(meta);

  if (diagnosis.explanation) row.append(el("p", "explanation", diagnosis.explanation));
  if (order.last_event) {
    const when = order.last_event.date ? day(lang, order.last_event.date, today) : t("dashboard_undated");
    const what = order.last_event.title || order.last_event.text;
    row.append(el("p", "last-event", t("dashboard_lastEvent", [when, what])));
  }

  const actions = el("div", "actions");
  for (const action of diagnosis.actions || []) {
    const url = PD.links.safeUrl(action.url);
    if (!url || typeof action.label !== "string") continue;
    const link = el("a", "action", action.label);
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    actions.append(link);
  }
  const forget = el("button", "forget", t("dashboard_forget"));
  forget.type = "button";
  forget.addEventListener("click", () => {
    if (globalThis.confirm(t("dashboard_forgetConfirm", [order.order_id]))) onForget(order, row);
  });
  actions.append(forget);
  row.append(actions);

  for (const parcel of order.parcels) row.append(timeline(parcel));
  return row;
}

/** The numbers a search may match: every parcel's own and its domestic one. */
export function numbersOf(order) {
  return order.parcels.flatMap((p) => [p.tracking_number, p.domestic_number]).filter(Boolean);
}
