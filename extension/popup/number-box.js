/*
 * Paste any tracking number: the companion names its carrier and checks it (POST /v1/identify,
 * through the service worker); the links are built here from the two tracker templates only
 * (PD.links.trackerLinks).
 */
import { MSG, toWorker, setResult } from "./runtime.js";
import { t } from "./i18n.js";

const ERROR_KEYS = {
  bad_number: "popup_numberInvalidInput",
  offline: "popup_errorOffline",
  unpaired: "popup_errorUnpaired",
};

function row(found) {
  const template = document.getElementById("number-row");
  const li = template.content.firstElementChild.cloneNode(true);
  li.dataset.valid = String(found.valid);
  li.querySelector(".number").textContent = found.number;
  const validity = li.querySelector(".validity");
  validity.textContent = t(found.valid ? "popup_numberValid" : "popup_numberInvalid");
  validity.classList.add(found.valid ? "valid" : "invalid");
  const carriers = found.carriers.map((c) => c.name).join(", ");
  li.querySelector(".carriers").textContent = carriers
    ? t("popup_numberCarriers", [carriers])
    : t("popup_numberNoCarrier");
  const links = li.querySelector(".links");
  for (const link of found.links) {
    const a = document.createElement("a");
    a.href = link.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.dataset.tracker = link.id;
    a.textContent = link.name;
    links.append(a);
  }
  return li;
}

export function setupNumberBox() {
  const form = document.getElementById("number-form");
  const input = document.getElementById("number");
  const list = document.getElementById("number-result");
  const error = document.getElementById("number-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    list.replaceChildren();
    setResult(error, t("popup_numberChecking"));
    const answer = await toWorker(MSG.POPUP_TO_SW_IDENTIFY, { number: input.value });
    if (!answer || !answer.ok) {
      const code = answer && answer.error && answer.error.code;
      setResult(error, t(ERROR_KEYS[code] || "popup_errorGeneric"), true);
      return;
    }
    if (answer.numbers.length === 0) {
      setResult(error, t("popup_numberNotFound"), true);
      return;
    }
    setResult(error, "");
    list.replaceChildren(...answer.numbers.map(row));
  });
}
