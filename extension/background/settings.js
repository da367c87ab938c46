/*
 * The extension's settings in chrome.storage.local: the companion port, the language and the
 * token. Only the service worker reads the token; the popup sees whether it exists.
 */
import "../common/generated.js";
import "../common/messages.js";

const { LANGS } = globalThis.ParcelDoctor;
const { DEFAULT_PORT } = globalThis.ParcelDoctor.shared;

export async function getSettings() {
  const stored = await chrome.storage.local.get(["port", "lang", "token"]);
  return {
    port: validPort(stored.port) ? stored.port : DEFAULT_PORT,
    lang: LANGS.includes(stored.lang) ? stored.lang : null,
    token: typeof stored.token === "string" && stored.token ? stored.token : null,
  };
}

export function validPort(port) {
  return Number.isInteger(port) && port >= 1024 && port <= 65535;
}

export async function saveSettings(changes) {
  await chrome.storage.local.set(changes);
}

export async function forgetToken() {
  await chrome.storage.local.remove("token");
}
