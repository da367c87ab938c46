/*
 * Port and language. A port other than the default (8765) needs the optional host permission
 * http://127.0.0.1/*, requested here because only a user gesture in the popup may ask.
 */
import "../common/generated.js";
import "../common/messages.js";
import { MSG, toWorker, setResult } from "./runtime.js";
import { t } from "./i18n.js";

const { DEFAULT_PORT } = globalThis.ParcelDoctor.shared;
const ANY_LOCAL_PORT = { origins: ["http://127.0.0.1/*"] };

async function portAllowed(port) {
  if (port === DEFAULT_PORT) return true;
  try {
    // request() first, without awaiting anything else, so the click still counts as the gesture;
    // it answers true at once when the permission is already granted.
    return await chrome.permissions.request(ANY_LOCAL_PORT);
  } catch {
    return false;
  }
}

export function setupSettings(status, onChanged) {
  const portInput = document.getElementById("port");
  const portResult = document.getElementById("port-result");
  const lang = document.getElementById("lang");
  portInput.value = String(status.port);
  lang.value = status.lang;

  document.getElementById("port-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const port = Number(portInput.value);
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      setResult(portResult, t("popup_portInvalid"), true);
      return;
    }
    if (!(await portAllowed(port))) {
      setResult(portResult, t("popup_portDenied"), true);
      return;
    }
    const answer = await toWorker(MSG.POPUP_TO_SW_SAVE_SETTINGS, { port });
    setResult(portResult, answer && answer.ok ? t("popup_portSaved", [port]) : t("popup_portInvalid"), !(answer && answer.ok));
    await onChanged();
  });

  lang.addEventListener("change", async () => {
    await toWorker(MSG.POPUP_TO_SW_SAVE_SETTINGS, { lang: lang.value });
    await onChanged();
  });
}
