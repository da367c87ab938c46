/*
 * Service worker entry: imports and top-level listeners only (MV3 wakes the worker for an
 * event and dispatches it only to listeners registered during the first run).
 */
import { contentHandlers, popupHandlers, dashboardHandlers } from "./handlers.js";
import { resumeCheckAll } from "./check-all.js";
import { alarmRang, browserStarted, opened } from "./notify.js";

const POPUP_URL = chrome.runtime.getURL("popup/popup.html");
const DASHBOARD_URL = chrome.runtime.getURL("dashboard/dashboard.html");

/**
 * Whether the message comes from one of our own pages. sender.id is ours for content scripts
 * too, and a content script shares its renderer with the page, so the popup's messages (pair,
 * settings, live-lookup keys, check all) and the dashboard's (every remembered order, forget,
 * export) are taken only from those pages' own URLs.
 */
function fromPage(sender, pages) {
  try {
    const url = new URL(sender.url);
    return pages.includes(`${url.origin}${url.pathname}`);
  } catch {
    return false;
  }
}

// Which page may send which messages; the popup's status answer serves the dashboard too.
const PAGE_HANDLERS = [
  [popupHandlers, [POPUP_URL]],
  [dashboardHandlers, [DASHBOARD_URL]],
];

function handlerFor(message, sender) {
  const type = message && message.type;
  if (Object.hasOwn(contentHandlers, type)) return contentHandlers[type];
  const found = PAGE_HANDLERS.find(([handlers]) => Object.hasOwn(handlers, type));
  if (!found) return null;
  const [handlers, pages] = found;
  return fromPage(sender, pages) ? handlers[type] : () => ({ ok: false, error: { code: "forbidden" } });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const handler = handlerFor(message, sender);
  if (!handler) return false;
  Promise.resolve()
    .then(() => handler(message, sender))
    .then(sendResponse, (error) => sendResponse({ ok: false, error: { code: "internal", message: String(error) } }));
  return true; // answer asynchronously
});

// A check-all job saved by a worker Chrome has since stopped goes on in this one.
resumeCheckAll();

// Change notifications (notify.js): the alarm and notification APIs exist only once the user
// granted the optional permissions, so their listeners are added when they are there, and
// again in a running worker when the permissions arrive.
let notifyListening = false;
function listenForNotify() {
  if (notifyListening || !(chrome.alarms && chrome.notifications)) return;
  notifyListening = true;
  chrome.alarms.onAlarm.addListener((alarm) => alarmRang(alarm).catch(() => {}));
  chrome.notifications.onClicked.addListener((id) => opened(id).catch(() => {}));
}
listenForNotify();
chrome.permissions.onAdded.addListener(listenForNotify);
chrome.runtime.onStartup.addListener(() => browserStarted().catch(() => {}));
