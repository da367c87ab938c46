/*
 * One named handler per message type (common/messages.js). Each takes (message, sender) and
 * returns a JSON-able answer; none throws on bad input.
 */
import "../common/generated.js";
import "../common/messages.js";
import "../common/links.js";
import "../common/format.js";
import "../common/strings.js";
import { request } from "./companion-client.js";
import { getSettings, saveSettings, validPort, forgetToken } from "./settings.js";
import { toOrderTabs } from "./tabs.js";
import { startCheckAll, checkAllState, noteDiagnosed } from "./check-all.js";
import { getLookups, saveLookup } from "./lookups.js";
import { keep, kept } from "./kept.js";
import { getDashboard, forgetOrder, exportHistory, openDashboard } from "./dashboard.js";
import { getNotify, setNotify, noteCapture } from "./notify.js";

const { MSG, STATE, LANGS, links, strings } = globalThis.ParcelDoctor;
const NUMBER = /^[A-Za-z0-9][A-Za-z0-9 -]{3,39}$/;

/** "connected" | "unpaired" | "offline", checking the token when the companion answers. */
async function companionState() {
  const health = await request("/health", { auth: false });
  if (!health.ok) return { state: STATE.OFFLINE };
  const { token } = await getSettings();
  if (!token) return { state: STATE.UNPAIRED, health: health.data };
  const probe = await request("/orders?limit=1");
  if (probe.ok) return { state: STATE.CONNECTED, health: health.data };
  if (probe.status === 401) return { state: STATE.UNPAIRED, health: health.data };
  return { state: STATE.OFFLINE, health: health.data };
}

/** A diagnose error from the companion, as the content script understands it. */
async function diagnoseError(answer) {
  if (answer.error.code !== STATE.OFFLINE && answer.error.code !== STATE.UNPAIRED) return answer.error;
  // "unpaired" without a token still needs to know whether anything is listening
  const { state } = await companionState();
  return { ...answer.error, code: state === STATE.CONNECTED ? STATE.UNPAIRED : state };
}

function validCapture(capture) {
  return (
    capture &&
    typeof capture.url === "string" &&
    (typeof capture.html === "string" || capture.html === null) &&
    Array.isArray(capture.payloads) &&
    (capture.html || capture.payloads.length > 0)
  );
}

/** A checked capture as the companion's POST /v1/diagnose (and /v1/diagnosis-file) takes it. */
async function captureBody(capture) {
  const { lang } = await getSettings();
  return {
    url: capture.url,
    html: capture.html || undefined,
    payloads: capture.payloads,
    captured_at: capture.captured_at,
    time_zone: typeof capture.time_zone === "string" ? capture.time_zone.slice(0, 64) : undefined,
    utc_offset_minutes: Number.isInteger(capture.utc_offset_minutes) ? capture.utc_offset_minutes : undefined,
    lang: LANGS.includes(capture.lang) ? capture.lang : lang || "ko",
  };
}

async function diagnose(message, sender) {
  const capture = message.capture;
  if (!validCapture(capture)) return { ok: false, error: { code: "bad_capture" } };
  const answer = await request("/diagnose", { method: "POST", body: await captureBody(capture) });
  if (!answer.ok) return { ok: false, error: await diagnoseError(answer) };
  if (sender.tab) await noteDiagnosed(sender.tab.id);
  await keep(answer.data && answer.data.orders, capture.captured_at).catch(() => {});
  await noteCapture(answer.data && answer.data.orders).catch(() => {});
  return { ok: true, response: answer.data };
}

async function health() {
  const { state } = await companionState();
  return { state };
}

async function getStrings(message) {
  const settings = await getSettings();
  const lang = strings.resolveLang(settings.lang, message.pageLang);
  return { lang, strings: await strings.load(lang) };
}

async function getHistory() {
  const orders = [];
  let cursor = null;
  for (let page = 0; page < 4; page++) {
    const query = cursor ? `/orders?limit=50&cursor=${encodeURIComponent(cursor)}` : "/orders?limit=50";
    const answer = await request(query);
    if (!answer.ok) return { ok: false, error: answer.error };
    orders.push(...((answer.data && answer.data.orders) || []));
    cursor = answer.data && answer.data.next_cursor;
    if (!cursor) break;
  }
  return { ok: true, orders };
}

/** The companion's API version from its health answer (a companion without one is 1). */
function apiVersion(info) {
  return info && Number.isInteger(info.api_version) ? info.api_version : 1;
}

async function getStatus() {
  const settings = await getSettings();
  const { state, health: info } = await companionState();
  return {
    state,
    port: settings.port,
    lang: settings.lang || "ko",
    version: (info && info.version) || null,
    extensionVersion: chrome.runtime.getManifest().version,
    outdated: Boolean(info) && apiVersion(info) < globalThis.ParcelDoctor.MIN_API_VERSION,
    paired: Boolean(settings.token), // paired before: offline means "start it", not "pair again"
  };
}

async function pair(message) {
  const code = typeof message.code === "string" ? message.code.trim() : "";
  if (!code || code.length > 64) return { ok: false, error: { code: "bad_code" } };
  const answer = await request("/pair", { method: "POST", body: { code }, auth: false });
  if (!answer.ok) return { ok: false, error: answer.error };
  const token = answer.data && answer.data.token;
  if (typeof token !== "string" || !token) return { ok: false, error: { code: "bad_answer" } };
  await saveSettings({ token });
  await toOrderTabs({ type: MSG.SW_TO_CS_COMPANION_READY });
  return { ok: true };
}

async function saveSettingsHandler(message) {
  const changes = {};
  if (message.port !== undefined) {
    if (!validPort(message.port)) return { ok: false, error: { code: "bad_port" } };
    changes.port = message.port;
  }
  if (message.lang !== undefined) {
    if (!LANGS.includes(message.lang)) return { ok: false, error: { code: "bad_lang" } };
    changes.lang = message.lang;
  }
  const before = await getSettings();
  await saveSettings(changes);
  // A token belongs to one companion; another port may be another data dir.
  if (changes.port !== undefined && changes.port !== before.port) await forgetToken();
  await toOrderTabs({ type: MSG.SW_TO_CS_COMPANION_READY });
  return { ok: true };
}

async function identify(message) {
  const number = typeof message.number === "string" ? message.number.trim() : "";
  if (!NUMBER.test(number)) return { ok: false, error: { code: "bad_number" } };
  const { lang } = await getSettings();
  const answer = await request("/identify", { method: "POST", body: { numbers: [number], lang: lang || "ko" } });
  if (!answer.ok) return { ok: false, error: answer.error };
  const found = (answer.data && answer.data.numbers) || [];
  const numbers = found
    .filter((n) => n && typeof n.number === "string")
    // Neither a carrier's format nor a valid number: not a tracking number at all.
    .filter((n) => n.valid === true || (Array.isArray(n.carriers) && n.carriers.length > 0))
    .map((n) => ({
      number: n.number,
      valid: n.valid === true,
      carriers: (n.carriers || []).filter((c) => c && typeof c.name === "string").map((c) => ({ id: c.id, name: c.name })),
      links: links.trackerLinks(n.number, lang || "ko"),
    }));
  return { ok: true, numbers };
}

async function getKept(message) {
  return { ok: true, kept: await kept(message.orderIds) };
}

function checkAllFromPage(message, sender) {
  if (!sender.tab || !Number.isInteger(sender.tab.id)) return { ok: false, error: { code: "bad_tab" } };
  return startCheckAll(sender.tab.id, Array.isArray(message.orderIds) ? message.orderIds : []);
}

/** The diagnosis file for a bug report: the companion scrubs it (names, phones, addresses,
 * 개인통관고유부호) before it comes back; the popup saves it. */
async function diagnosisFile(message) {
  const capture = message.capture;
  if (!validCapture(capture)) return { ok: false, error: { code: "bad_capture" } };
  const body = { ...(await captureBody(capture)), extension_version: chrome.runtime.getManifest().version };
  const answer = await request("/diagnosis-file", { method: "POST", body });
  if (!answer.ok) return { ok: false, error: answer.error || { code: "companion_error" } };
  return { ok: true, file: answer.data };
}

function checkAll(message) {
  const orderIds = Array.isArray(message.orderIds) ? message.orderIds : [];
  if (!Number.isInteger(message.tabId)) return { ok: false, error: { code: "bad_tab" } };
  return startCheckAll(message.tabId, orderIds);
}

/** Messages a content script sends (the popup may send them too). */
export const contentHandlers = {
  [MSG.CS_TO_SW_DIAGNOSE]: diagnose,
  [MSG.CS_TO_SW_HEALTH]: health,
  [MSG.CS_TO_SW_GET_STRINGS]: getStrings,
  [MSG.CS_TO_SW_GET_HISTORY]: getHistory,
  [MSG.CS_TO_SW_GET_KEPT]: getKept,
  [MSG.CS_TO_SW_CHECK_ALL]: checkAllFromPage,
  [MSG.ANY_TO_SW_OPEN_DASHBOARD]: openDashboard,
};

/** Messages only the popup page may send: they pair, change settings or open tabs. */
export const popupHandlers = {
  [MSG.POPUP_TO_SW_GET_STATUS]: getStatus,
  [MSG.POPUP_TO_SW_PAIR]: pair,
  [MSG.POPUP_TO_SW_SAVE_SETTINGS]: saveSettingsHandler,
  [MSG.POPUP_TO_SW_IDENTIFY]: identify,
  [MSG.POPUP_TO_SW_CHECK_ALL]: checkAll,
  [MSG.POPUP_TO_SW_CHECK_ALL_STATE]: checkAllState,
  [MSG.POPUP_TO_SW_GET_LOOKUPS]: getLookups,
  [MSG.POPUP_TO_SW_SAVE_LOOKUP]: saveLookup,
  [MSG.POPUP_TO_SW_DIAGNOSIS_FILE]: diagnosisFile,
  [MSG.POPUP_TO_SW_GET_NOTIFY]: getNotify,
  [MSG.POPUP_TO_SW_SET_NOTIFY]: setNotify,
};

/** Messages only the dashboard page may send: every remembered order, forget, export. */
export const dashboardHandlers = {
  [MSG.DASHBOARD_TO_SW_GET]: getDashboard,
  [MSG.DASHBOARD_TO_SW_FORGET]: forgetOrder,
  [MSG.DASHBOARD_TO_SW_EXPORT]: exportHistory,
  [MSG.DASHBOARD_TO_SW_GET_STATUS]: getStatus,
};
