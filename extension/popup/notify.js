/*
 * "변경 알림 받기": the switch for background re-checks and notifications (background/notify.js).
 * Off by default. Turning it on asks for the optional permissions "alarms" and "notifications"
 * here, because only a click in the popup may ask; turning it off stops the re-checks.
 */
import { MSG, toWorker, setResult } from "./runtime.js";
import { t } from "./i18n.js";

const NEEDED = ["alarms", "notifications"];

async function granted() {
  try {
    // Only what the manifest lists as optional may be asked for: Firefox takes "alarms" only as
    // a required permission (its package lists it so; it shows no prompt there).
    const optional = chrome.runtime.getManifest().optional_permissions || [];
    // request() first, without awaiting anything else, so the click still counts as the gesture;
    // it answers true at once when the permissions are already granted.
    return await chrome.permissions.request({ permissions: NEEDED.filter((p) => optional.includes(p)) });
  } catch {
    return false;
  }
}

export async function setupNotify() {
  const box = document.getElementById("notify-enabled");
  const result = document.getElementById("notify-result");
  const state = await toWorker(MSG.POPUP_TO_SW_GET_NOTIFY);
  box.checked = Boolean(state && state.ok && state.enabled);

  box.addEventListener("change", async () => {
    const enabled = box.checked;
    if (enabled && !(await granted())) {
      box.checked = false;
      setResult(result, t("popup_notifyDenied"), true);
      return;
    }
    box.disabled = true;
    const answer = await toWorker(MSG.POPUP_TO_SW_SET_NOTIFY, { enabled });
    box.disabled = false;
    const ok = Boolean(answer && answer.ok);
    box.checked = ok ? answer.enabled : !enabled;
    setResult(result, ok ? t(enabled ? "popup_notifyOn" : "popup_notifyOff") : t("popup_notifyDenied"), !ok);
  });
}
