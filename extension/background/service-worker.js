/*
 * Service worker entry: imports and top-level listeners only (MV3 wakes the worker for an
 * event and dispatches it only to listeners registered during the first run).
 */
import { contentHandlers, popupHandlers } from "./handlers.js";
import { resumeCheckAll } from "./check-all.js";

const POPUP_URL = chrome.runtime.getURL("popup/popup.html");

/**
 * Whether the message comes from our popup page. sender.id is ours for content scripts too,
 * and a content script shares its renderer with the page, so the popup's messages (pair,
 * settings, live-lookup keys, check all) are taken only from the popup's own URL.
 */
function fromPopup(sender) {
  try {
    const url = new URL(sender.url);
    return `${url.origin}${url.pathname}` === POPUP_URL;
  } catch {
    return false;
  }
}

function handlerFor(message, sender) {
  const type = message && message.type;
  if (Object.hasOwn(contentHandlers, type)) return contentHandlers[type];
  if (!Object.hasOwn(popupHandlers, type)) return null;
  return fromPopup(sender) ? popupHandlers[type] : () => ({ ok: false, error: { code: "forbidden" } });
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
