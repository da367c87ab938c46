/*
 * #companion-status[data-state]: connected | unpaired | offline, with the start command when
 * the companion is not running and the pairing form when it is not paired.
 */
import { MSG, STATE, toWorker } from "./runtime.js";
import { t } from "./i18n.js";

const TEXT_KEYS = {
  [STATE.CONNECTED]: "popup_statusConnected",
  [STATE.UNPAIRED]: "popup_statusUnpaired",
  [STATE.OFFLINE]: "popup_statusOffline",
};

export async function fetchStatus() {
  return (await toWorker(MSG.POPUP_TO_SW_GET_STATUS)) || { state: STATE.OFFLINE, port: 8765, lang: "ko" };
}

export function renderStatus(status) {
  const el = document.getElementById("companion-status");
  el.dataset.state = status.state;
  el.title = status.version ? t("popup_companionVersion", [status.version]) : "";
  // Paired before and now off: say how to start it, and do not ask for a pairing code again.
  const offlinePaired = status.state === STATE.OFFLINE && status.paired;
  document.getElementById("status-text").textContent = offlinePaired
    ? t("notice_offlinePaired")
    : t(TEXT_KEYS[status.state], [status.port]);
  document.getElementById("start-hint").hidden = status.state !== STATE.OFFLINE;
  document.getElementById("pairing-section").hidden = status.state === STATE.CONNECTED || offlinePaired;
}
