/*
 * Service worker entry: imports and top-level listeners only (MV3 wakes the worker for an
 * event and dispatches it only to listeners registered during the first run).
 */
import { handlers } from "./handlers.js";

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const handler = message && Object.hasOwn(handlers, message.type) && handlers[message.type];
  if (!handler) return false;
  Promise.resolve()
    .then(() => handler(message, sender))
    .then(sendResponse, (error) => sendResponse({ ok: false, error: { code: "internal", message: String(error) } }));
  return true; // answer asynchronously
});
