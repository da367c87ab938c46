/*
 * Pairing: the one-time code printed by `parcel-doctor serve` (or
 * `parcel-doctor token --pairing-code`) goes to the service worker, which trades it for a token.
 */
import { MSG, toWorker, setResult } from "./runtime.js";
import { t } from "./i18n.js";

const ERROR_KEYS = {
  offline: "popup_errorOffline",
  bad_code: "popup_pairErrorCode",
};

export function setupPairing(onPaired) {
  const form = document.getElementById("pairing-form");
  const input = document.getElementById("pairing-code");
  const result = document.getElementById("pair-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setResult(result, t("popup_pairing"));
    const answer = await toWorker(MSG.POPUP_TO_SW_PAIR, { code: input.value });
    if (answer && answer.ok) {
      input.value = "";
      setResult(result, t("popup_pairDone"));
      await onPaired();
      return;
    }
    const code = answer && answer.error && answer.error.code;
    setResult(result, t(ERROR_KEYS[code] || "popup_pairErrorCode"), true);
  });
}
