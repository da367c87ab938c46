/*
 * #companion-status[data-state]: connected | unpaired | offline, with the start and autostart
 * commands when the companion is not running, the pairing form when it is not paired, "please
 * update" when its API is older than this extension needs, and both versions.
 */
import "../common/generated.js";
import { MSG, STATE, toWorker } from "./runtime.js";
import { t } from "./i18n.js";

const PD = globalThis.ParcelDoctor;

const TEXT_KEYS = {
  [STATE.CONNECTED]: "popup_statusConnected",
  [STATE.UNPAIRED]: "popup_statusUnpaired",
  [STATE.OFFLINE]: "popup_statusOffline",
};

export async function fetchStatus() {
  return (await toWorker(MSG.POPUP_TO_SW_GET_STATUS)) || { state: STATE.OFFLINE, port: PD.shared.DEFAULT_PORT, lang: "ko" };
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
  document.getElementById("start-command").textContent = PD.START_COMMAND;
  document.getElementById("autostart-command").textContent = PD.AUTOSTART_COMMAND;
  document.getElementById("install-link").href = PD.INSTALL_URL;
  document.getElementById("update-hint").hidden = !status.outdated;
  document.getElementById("update-command").textContent = PD.UPDATE_COMMAND;
  document.getElementById("versions").textContent = t("popup_versions", [
    status.extensionVersion || chrome.runtime.getManifest().version,
    status.version || "—",
  ]);
  document.getElementById("pairing-section").hidden = status.state === STATE.CONNECTED || offlinePaired;
}
